"""The `docgen` command and its subcommands."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import signal
import sys
from pathlib import Path

from docgen import logs
from docgen.classify import classify, load_rules
from docgen.config import Settings
from docgen.errors import DocgenError, QuarantineError
from docgen.parse import parse_message
from docgen.parse.unread import flag_unread
from docgen.pipeline import Pipeline
from docgen.register.procedure import assess
from docgen.register.report import by_urgency, lead_times, load_cases, state_counts, type_counts
from docgen.register.store import Store
from docgen.sources.config import from_file, from_urls
from docgen.sources.folder import FolderSource
from docgen.watcher import Watcher, drain

log = logging.getLogger("docgen")


def _eml_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.glob("*.eml")) if path.is_dir() else [path])
    return files


def cmd_classify(args: argparse.Namespace) -> int:
    """One JSON line per file; a file that cannot be handled gets an error row and the run goes on."""
    settings = Settings.from_env(args.data)
    rules = load_rules(settings.rules)
    for path in _eml_files(args.paths):
        try:
            msg = parse_message(path.read_bytes())
            result = flag_unread(classify(msg, rules, explain=args.explain), msg)
        except QuarantineError as exc:
            record = {"file": path.name, "type": "overig", "v_nummers": [], "triage": True,
                      "quarantine": exc.reason, "fields": {}, "reasons": [f"quarantined: {exc.reason}"]}
        except Exception as exc:  # one file's failure never stops the run (RecursionError, a timeout, ...)
            log.error("classify failed for %s: %s", path.name, type(exc).__name__, exc_info=True)
            error = f"{type(exc).__name__}: {exc}"[:300]
            record = {"file": path.name, "type": "overig", "v_nummers": [], "triage": True, "error": error,
                      "fields": {}, "reasons": [f"error: {error}"]}
        else:
            record = {"file": path.name, "type": result.type, "v_nummers": list(result.v_nummers),
                      "triage": result.triage, "fields": result.fields,
                      "reasons": list(result.reasons) + [f"triage: {r}" for r in result.triage_reasons]}
            if args.explain:
                _explain(path, result)
                continue
        if args.explain:
            print(f"{path.name}: quarantined — {record['quarantine']}" if "quarantine" in record
                  else f"{path.name}: error — {record['error']}")
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
    source = FolderSource(Path(args.inbox), move=not args.keep)
    if not source.folder.is_dir():
        raise DocgenError(f"inbox folder {source.folder} does not exist")
    handled = drain(pipeline, source, draft=False, once=True)  # read everything first: letters see the whole case
    pipeline.draft_due()
    log.info("done: %d message(s) handled from %s", handled, source.folder)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Watch drop folders and IMAP mailboxes until Ctrl-C or SIGTERM."""
    settings = Settings.from_env(args.data)
    if args.config:
        sources = from_file(Path(args.config))
    else:
        sources = from_urls(args.source or [args.inbox], insecure=args.insecure)
    watcher = Watcher(settings, sources, poll_seconds=args.poll)

    def _stop(signum, frame):
        log.info("stopping (signal %d)", signum)
        watcher.request_stop()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    watcher.run()
    log.info("stopped")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Each source's state and errors, and what waits for a human or a draft."""
    with Store(Settings.from_env(args.data).database_url) as store:
        rows = store.source_status()
        print(f"{'source':<48} {'state':<13} {'last message':<26} {'backlog':>7} {'errors':>6}  last error")
        for r in rows:
            print(f"{r['name'][:48]:<48} {r['state']:<13} {(r['last_message_at'] or '-')[:25]:<26} "
                  f"{r['backlog']:>7} {r['errors']:>6}  {_one_line(r['last_error'] or '')}")
        triage = len(store.messages("triage"))
        quarantined = store.messages("quarantined")
        print(f"\ntriage: {triage} message(s) waiting for a monitor; quarantine: {len(quarantined)}")
        if quarantined:
            print("latest in quarantine:")
        for row in quarantined[-10:]:
            reasons = json.loads(row["triage_reasons"] or "[]")
            print(f"  {(row['processed_at'] or '')[:19]}  {row['source']}  {_one_line(row['name'] or '')}  — "
                  f"{_one_line('; '.join(reasons))[:200]}")
    return 0


def _one_line(text: str) -> str:
    return logs.escape(str(text))


def _today(args) -> dt.date:
    return dt.date.fromisoformat(args.today) if getattr(args, "today", None) else dt.date.today()


def cmd_cases(args: argparse.Namespace) -> int:
    """Cases with state and next deadline, overdue first."""
    store = Store(Settings.from_env(args.data).database_url)
    today = _today(args)
    cases, _ = load_cases(store, today)
    print(f"{'V-nummer':<12} {'state':<22} {'next deadline':<24} {'due':<11} status")
    for case in by_urgency(cases, today):
        nxt = case.next_deadline()
        flag = " (!)" if case.oddities else ""
        print(f"{case.v_nummer:<12} {case.state:<22} {(nxt.name if nxt else '-'):<24} "
              f"{(nxt.due.isoformat() if nxt else '-'):<11} {(nxt.status(today) if nxt else '-')}{flag}")
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    """One case's timeline, deadlines and oddities."""
    store = Store(Settings.from_env(args.data).database_url)
    today = _today(args)
    events = store.events(args.v_nummer)
    if not events:
        raise DocgenError(f"no case with V-nummer {args.v_nummer} in the register")
    case = assess(args.v_nummer, events, store.drafted_days(), today)
    drafts = [{"letter": d["letter"], "docx": d["docx_path"], "pdf": d["pdf_path"], "created": d["created_at"]}
              for d in store.drafts(args.v_nummer)]
    data = {
        "v_nummer": case.v_nummer, "state": case.state,
        "events": [{"kind": e.kind, "date": e.event_date, "received": e.received, "message": e.message_id,
                    "fields": e.fields} for e in case.events],
        "deadlines": [{"name": d.name, "due": d.due.isoformat(), "kind": d.kind, "status": d.status(today),
                       "basis": d.basis} for d in case.deadlines],
        "oddities": list(case.oddities), "drafts": drafts,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"V-nummer {case.v_nummer} — state: {case.state}")
    print("timeline:")
    for e in data["events"]:
        extra = ", ".join(f"{k}={v}" for k, v in e["fields"].items() if k in ("soort", "parketnummer", "weken"))
        print(f"  {e['date'] or '?':<11} {e['kind']:<15} {extra}")
    print("deadlines:")
    for d in data["deadlines"]:
        print(f"  {d['due']:<11} {d['name']:<24} {d['status']:<8} {d['basis']}")
    for d in drafts:
        print(f"draft: {d['letter']} ({d['created'][:10]}) {d['docx']}")
    for odd in case.oddities:
        print(f"odd: {odd}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The pilot's tables: lead time per step against target; counts per message type and state."""
    store = Store(Settings.from_env(args.data).database_url)
    start = dt.date.fromisoformat(args.date_from) if args.date_from else None
    end = dt.date.fromisoformat(args.date_to) if args.date_to else None
    cases, drafted = load_cases(store, _today(args))
    steps = lead_times(cases, drafted, start, end)
    types = type_counts(store.messages(), start, end)
    states = state_counts(cases)
    if args.csv:
        out = csv.writer(sys.stdout)
        out.writerow(["table", "name", "target", "average_working_days", "count", "within_target"])
        for step in steps:
            out.writerow(["lead_time", step.name, step.target,
                          "" if step.average is None else f"{step.average:.1f}", len(step.durations),
                          step.within_target])
        for kind, counter in sorted(types.items()):
            out.writerow(["messages", kind, "", "", counter["total"], ""])
        for state, count in sorted(states.items()):
            out.writerow(["cases", state, "", "", count, ""])
        return 0
    print(f"{'step':<44} {'target':<16} {'average':>8} {'count':>6} {'in target':>9}")
    for step in steps:
        avg = "-" if step.average is None else f"{step.average:.1f} wd"
        print(f"{step.name:<44} {step.target:<16} {avg:>8} {len(step.durations):>6} {step.within_target:>9}")
    print()
    print(f"{'message type':<16} {'count':>6} {'triage':>7}")
    for kind, counter in sorted(types.items()):
        print(f"{kind:<16} {counter['total']:>6} {counter['triage']:>7}")
    print()
    print(f"{'case state':<24} {'count':>6}")
    for state, count in sorted(states.items()):
        print(f"{state:<24} {count:>6}")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    """Check every template, or render one with example data."""
    from docgen.letters.check import check_templates, preview

    settings = Settings.from_env(args.data)
    if args.action == "check":
        problems = check_templates(settings.templates)
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {settings.templates}" if problems else
              f"all templates in {settings.templates} are fine")
        return 1 if problems else 0
    if not args.name:
        raise DocgenError("templates preview needs the name of a letter or template")
    docx, pdf = preview(settings.templates, args.name, Path(args.out or settings.data / "preview"))
    print(docx)
    print(pdf)
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Accounts for the web application. The password comes from $DOCGEN_PASSWORD or a prompt."""
    import getpass
    import os

    from docgen.register.store import Reviews
    from docgen.web.auth import ROLES, hash_password

    with Store(Settings.from_env(args.data).database_url) as store:
        reviews = Reviews(store)
        if args.action == "list":
            for user in reviews.users():
                print(f"{user['name']:<24} {user['role']:<20} {user['created_at'][:10]}")
            return 0
        if not args.name:
            raise DocgenError(f"users {args.action} needs a name")
        if args.action == "remove":
            if not reviews.remove_user(args.name):
                raise DocgenError(f"no user {args.name}")
            print(f"removed {args.name}")
            return 0
        if args.role not in ROLES:
            raise DocgenError(f"--role must be one of {', '.join(ROLES)}")
        password = os.environ.get("DOCGEN_PASSWORD") or getpass.getpass(f"password for {args.name}: ")
        if len(password) < 12:
            raise DocgenError("a password needs at least 12 characters")
        reviews.add_user(args.name, hash_password(password), args.role)
        print(f"added {args.name} ({args.role})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The web application, on loopback unless told otherwise."""
    from docgen.web import create_app

    app = create_app(Settings.from_env(args.data), today=dt.date.fromisoformat(args.today) if args.today else None)
    log.info("serving on http://%s:%d", args.host, args.port)
    from werkzeug.serving import run_simple

    run_simple(args.host, args.port, app, threaded=True)
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

    p = sub.add_parser("watch", help="watch drop folders and IMAP mailboxes; process every message once")
    p.add_argument("--inbox", default="inbox", help="folder to watch (default ./inbox, created if missing)")
    p.add_argument("--source", action="append",
                   help="a drop folder PATH, or imap://USER@HOST:PORT/FOLDER (imaps:// for TLS; password in "
                        "$DOCGEN_IMAP_PASSWORD); repeatable, replaces --inbox")
    p.add_argument("--config", help="a YAML file with mailboxes, folders and reviewers (see README)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between polls (network shares send no events)")
    p.add_argument("--insecure", action="store_true",
                   help="allow imap:// (no TLS: the password travels in clear) to a host that is not loopback")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("templates", help="check all letter templates, or preview one with example data")
    p.add_argument("action", choices=["check", "preview"])
    p.add_argument("name", nargs="?", help="preview: the letter or template name")
    p.add_argument("--out", help="preview: folder for the DOCX and PDF (default <data>/preview)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("users", help="add, remove or list accounts of the web application")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("name", nargs="?")
    p.add_argument("--role", default="monitor", help="monitor, behandelaar, contactpersoon, template-maintainer, admin")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("serve", help="the web application for monitors, staff and template maintainers")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="each source's state: connected, last message, backlog, errors")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("cases", help="cases with their state and next deadline, overdue first")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("case", help="one case's timeline, deadlines, drafts and oddities")
    p.add_argument("v_nummer", help="the 10-digit V-nummer")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_case)

    p = sub.add_parser("report", help="the pilot's tables: lead times per step, counts per type and state")
    p.add_argument("--from", dest="date_from", help="first day (YYYY-MM-DD) of the period")
    p.add_argument("--to", dest="date_to", help="last day (YYYY-MM-DD) of the period")
    p.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup()  # every log line escaped in one place (file names and Message-IDs come from outside)
    try:
        return args.func(args)
    except DocgenError as exc:
        print(f"docgen: {logs.escape(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
