# Shorthands for the README's two commands (make is optional; the scripts are the source).
.PHONY: run test
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
