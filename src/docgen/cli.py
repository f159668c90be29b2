"""The `docgen` command and its subcommands."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from docgen.classify import classify, load_rules
from docgen.config import Settings
from docgen.errors import DocgenError, QuarantineError
from docgen.parse import parse_message
from docgen.pipeline import Pipeline
from docgen.sources.folder import FolderSource
from docgen.watcher import drain, watch

log = logging.getLogger("docgen")


def _eml_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.glob("*.eml")) if path.is_dir() else [path])
    return files


def cmd_classify(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.data)
    rules = load_rules(settings.rules)
    for path in _eml_files(args.paths):
        try:
            result = classify(parse_message(path.read_bytes()), rules)
        except QuarantineError as exc:
            record = {"file": path.name, "type": "overig", "v_nummers": [], "triage": True,
                      "quarantine": exc.reason, "fields": {}, "reasons": [f"quarantined: {exc.reason}"]}
        else:
            record = {"file": path.name, "type": result.type, "v_nummers": list(result.v_nummers),
                      "triage": result.triage, "fields": result.fields,
                      "reasons": list(result.reasons) + [f"triage: {r}" for r in result.triage_reasons]}
            if args.explain:
                _explain(path, result)
                continue
        if args.explain:
            print(f"{path.name}: quarantined — {record['quarantine']}")
        else:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def _explain(path: Path, result) -> None:
    print(f"{path.name}: {result.type}" + (f" for V-nummer {', '.join(result.v_nummers)}" if result.v_nummers else ""))
    for line in result.trace:
        print(f"  {line}")
    if result.triage:
        for reason in result.triage_reasons:
            print(f"  → triage: {reason}")
    elif result.type == "overig":
        print("  → filed as overig: nothing to draft, no human needed")
    else:
        print(f"  → handled automatically: registered as {result.type} for the case")
    if result.fields:
        print("  fields: " + ", ".join(f"{k}={v}" for k, v in result.fields.items()))


def cmd_run(args: argparse.Namespace) -> int:
    """Process what is in the inbox folder now, then exit."""
    settings = Settings.from_env(args.data)
    pipeline = Pipeline(settings)
    source = FolderSource(Path(args.inbox), move=not args.keep, settle_seconds=0.0)
    if not source.folder.is_dir():
        raise DocgenError(f"inbox folder {source.folder} does not exist")
    handled = drain(pipeline, source)
    pipeline.draft_due()
    log.info("done: %d message(s) handled from %s", handled, source.folder)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Watch the inbox folder(s) until Ctrl-C or SIGTERM."""
    settings = Settings.from_env(args.data)
    pipeline = Pipeline(settings)
    stop, wakeup = threading.Event(), threading.Event()

    def _stop(signum, frame):
        log.info("stopping (signal %d)", signum)
        stop.set()
        wakeup.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    folders = [Path(p) for p in (args.source or [args.inbox])]
    watch(pipeline, folders, stop, poll_seconds=args.poll, wakeup=wakeup)
    log.info("stopped")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docgen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("classify", help="classify .eml files and print one JSON line per message")
    p.add_argument("paths", nargs="+", help=".eml files or folders of them")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line (the default output)")
    p.add_argument("--explain", action="store_true", help="say which rules fired and why, in words")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("run", help="process the .eml files in an inbox folder once, then exit")
    p.add_argument("--inbox", default="inbox", help="folder of .eml files (default ./inbox)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--once", action="store_true", help="process what is there and exit (the default for run)")
    p.add_argument("--keep", action="store_true", help="leave files in place instead of moving them to processed/")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("watch", help="watch the inbox folder and process every message dropped there")
    p.add_argument("--inbox", default="inbox", help="folder to watch (default ./inbox, created if missing)")
    p.add_argument("--source", action="append", help="a drop folder to watch (repeatable; replaces --inbox)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between polls (network shares send no events)")
    p.set_defaults(func=cmd_watch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    for noisy in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except DocgenError as exc:
        print(f"docgen: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
