from docgen.cli import main

raise SystemExit(main())
