"""The `docgen` command and its subcommands."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import signal
import sys
from pathlib import Path

from docgen import logs
from docgen.classify import classify, load_rules
from docgen.clock import Clock
from docgen.config import Settings
from docgen.dates import dutch_date, parse_day
from docgen.drafter import Drafter
from docgen.errors import DocgenError, QuarantineError
from docgen.parse import parse_message
from docgen.parse.unread import flag_unread
from docgen.pipeline import Pipeline
from docgen.register.drafts import Drafts
from docgen.register.policy import load_policy
from docgen.register.report import (
    by_urgency,
    lead_times,
    load_cases,
    per_case,
    register_rows,
    state_counts,
    type_counts,
)
from docgen.register.store import LAWYER_KINDS, Store
from docgen.sources.config import from_file, from_urls
from docgen.sources.folder import FolderSource
from docgen.watcher import Watcher, drain

log = logging.getLogger("docgen")


def _eml_files(paths: list[str]) -> list[Path]:
    """The .eml files named or in the folders named; a missing one stays in the list (its row says so)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.glob("*.eml")) if path.is_dir() else [path])
    if files and not any(path.exists() for path in files):
        raise DocgenError(f"{paths[0]}: no such file or folder")
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
        except OSError as exc:  # a file that is not there, or cannot be read: its row says why
            error = f"{type(exc).__name__}: {exc.strerror or exc}"[:300]
            record = {"file": path.name, "type": "overig", "v_nummers": [], "triage": True, "error": error,
                      "fields": {}, "reasons": [f"error: {error}"]}
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
    pipeline = Pipeline(settings, clock=_clock(args))
    source = FolderSource(Path(args.inbox), move=not args.keep)
    if not source.folder.is_dir():
        raise DocgenError(f"inbox folder {source.folder} does not exist")
    total = len(source.pending())
    progress = _Progress(total) if sys.stderr.isatty() else None
    held = _HeldLines()  # each message's line waits for the drafts, so that its drafted= counts them
    log.addFilter(held)
    drafted: list = []
    try:
        # Read everything first: letters see the whole case.
        handled = drain(pipeline, source, draft=False, once=True, reassess=False,
                        on_message=progress.tick if progress else None)
        if progress:
            progress.done()
        drafted = pipeline.draft_due()
    finally:
        log.removeFilter(held)
        held.release(pipeline.store, settings, drafted)
    log.info("done: %d message(s) handled from %s, drafted=%d", handled, source.folder, len(drafted))
    return 0


class _Progress:
    """`n/N` on the terminal while a folder is read (nothing when output goes to a file)."""

    def __init__(self, total: int):
        self.total, self.n = total, 0

    def tick(self) -> None:
        self.n += 1
        sys.stderr.write(f"\r{self.n}/{self.total} message(s)")
        sys.stderr.flush()

    def done(self) -> None:
        if self.n:
            sys.stderr.write("\n")


class _HeldLines(logging.Filter):
    """Holds the pipeline's one line per message until the run has drafted, then lets it out with
    `drafted=` the number of drafts that message caused: those its events triggered, and a case's other
    new drafts for the last message of that case in this run."""

    SHAPE = "message %s id=%s outcome=%s type=%s v_nummer=%s drafted=%s%s"

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == self.SHAPE and isinstance(record.args, tuple) and len(record.args) == 7:
            self.records.append(record)
            return False
        return True

    def release(self, store: Store, settings: Settings, drafted: list) -> None:
        counts = [0] * len(self.records)
        for draft in drafted:
            relative = str(Path(draft.docx).relative_to(settings.data)) if Path(draft.docx).is_absolute() else \
                str(draft.docx)
            row = store.db.one("SELECT l.v_nummer, m.source_key FROM versions v JOIN letters l ON l.id = v.letter_id"
                               " JOIN events e ON e.id = l.trigger_event LEFT JOIN messages m ON m.id = e.message_row"
                               " WHERE v.docx_path = ?", (relative,))
            if row is None:
                continue
            mine = [i for i, r in enumerate(self.records) if row["v_nummer"] in str(r.args[4]).split(",")]
            exact = [i for i in mine if self.records[i].args[0] == row["source_key"]]
            if exact or mine:
                counts[(exact or mine)[-1]] += 1
        for record, count in zip(self.records, counts, strict=True):
            args = list(record.args)
            args[5] = count
            record.args = tuple(args)
            log.handle(record)
        self.records.clear()


def cmd_watch(args: argparse.Namespace) -> int:
    """Watch drop folders and IMAP mailboxes until Ctrl-C or SIGTERM."""
    settings = Settings.from_env(args.data)
    if args.config:
        sources = from_file(Path(args.config))
    else:
        sources = from_urls(args.source or [args.inbox], insecure=args.insecure)
    watcher = Watcher(settings, sources, poll_seconds=args.poll, clock=_clock(args))

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
    _, store = _register(args)
    with store:
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


def _clock(args) -> Clock:
    """The one clock of a command: the system's, or the day given with --today (replays, tests)."""
    value = getattr(args, "today", None)
    if not value:
        return Clock()
    try:
        return Clock.on(parse_day(value))
    except ValueError as exc:
        raise DocgenError(f"--today: {exc}") from exc


def _day_arg(value: str | None, name: str) -> dt.date | None:
    try:
        return parse_day(value) if value else None
    except ValueError as exc:
        raise DocgenError(f"{name}: {exc}") from exc


def _register(args) -> tuple[Settings, Store]:
    """The register of a command that only reads: refused when there is none (a typo in --data would
    otherwise make an empty one)."""
    settings = Settings.from_env(args.data)
    if not settings.database_url.startswith("postgres") and not Path(settings.database).exists():
        raise DocgenError(f"no register in {settings.data} (run `docgen run` or `docgen watch` first, or give --data)")
    return settings, Store(settings.database_url)


def _one_line(text: str) -> str:
    return logs.escape(str(text))


def cmd_cases(args: argparse.Namespace) -> int:
    """Cases with state and next deadline, overdue first."""
    settings, store = _register(args)
    clock = _clock(args)
    now = clock.now()
    cases = load_cases(store, Drafts(store), now, load_policy(settings.rules))
    print(f"{'V-nummer':<12} {'toestand':<30} {'volgende termijn':<30} {'uiterlijk':<18} status")
    for case in by_urgency(cases, now):
        nxt = case.next_deadline()
        flag = " (!)" if case.oddities or case.attention else ""
        print(f"{case.v_nummer:<12} {case.state:<30} {(nxt.label if nxt else '-'):<30} "
              f"{(dutch_date(nxt.due) if nxt else '-'):<18} {(nxt.status(now) if nxt else '-')}{flag}")
    return 0


def _v_nummer(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 10 or any(ch not in "0123456789 .-" for ch in value.strip()):
        raise DocgenError(f"{value!r} is not a V-nummer (10 digits, spaces or dots allowed)")
    return digits


def case_data(settings: Settings, store: Store, v_nummer: str, clock: Clock) -> dict:
    """A case as `docgen case --json` and the case page show it: timeline, deadlines, letters, waits."""
    drafter = Drafter(settings, store, clock)
    case = drafter.case(v_nummer)
    now = clock.now()
    letters = []
    for letter in drafter.drafts.letters(v_nummer):
        letters.append({
            "letter": letter.kind, "state": letter.state, "reason": letter.reason,
            "versions": [{"version": v.number, "status": v.status, "origin": v.origin, "docx": v.docx_path,
                          "pdf": v.pdf_path, "date": v.letter_date.isoformat() if v.letter_date else None,
                          "open_points": list(v.open_points), "reason": v.reason, "created_by": v.created_by,
                          "created_at": v.created_at, "approved_by": v.approved_by, "approved_at": v.approved_at,
                          "cosigned_by": v.cosigned_by, "cosigned_at": v.cosigned_at} for v in letter.versions]})
    parket = next((e.fields["parketnummer"] for e in reversed(case.events) if e.fields.get("parketnummer")), "")
    lawyer = case.gemachtigde or next(({"naam": e.fields.get("afzender", ""), "email": e.fields["afzender_adres"]}
                                       for e in reversed(case.events)
                                       if e.kind in LAWYER_KINDS and e.fields.get("afzender_adres")), {})
    return {
        "v_nummer": case.v_nummer, "state": str(case.state), "person": case.person, "parketnummer": parket,
        "gemachtigde": lawyer, "eenheid": case.eenheid,
        "events": [{"kind": e.kind, "date": e.date.isoformat() if e.date else None,
                    "received": e.received.isoformat() if e.received else None, "message": e.message,
                    "fields": {k: v for k, v in e.fields.items() if k not in ("argumenten", "open_punten")}}
                   for e in case.events],
        "deadlines": [{"name": d.name, "label": d.label, "due": d.due.isoformat(), "kind": d.kind,
                       "status": d.status(now), "basis": d.basis} for d in case.deadlines],
        "waits": list(case.waits), "elapsed": case.elapsed, "attention": list(case.attention),
        "oddities": list(case.oddities), "letters": letters,
    }


def cmd_case(args: argparse.Namespace) -> int:
    """One case's timeline, deadlines, letters with their versions, and why anything waits."""
    settings, store = _register(args)
    v_nummer = _v_nummer(args.v_nummer)
    if not store.events(v_nummer):
        raise DocgenError(f"no case with V-nummer {v_nummer} in the register")
    data = case_data(settings, store, v_nummer, _clock(args))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"V-nummer {data['v_nummer']} — toestand: {data['state']}")
    print("tijdlijn:")
    for e in data["events"]:
        extra = ", ".join(f"{k}={v}" for k, v in e["fields"].items() if k in ("soort", "parketnummer", "weken"))
        print(f"  {dutch_date(e['date']) if e['date'] else '?':<18} {e['kind']:<22} {extra}")
    print("termijnen:")
    for d in data["deadlines"]:
        print(f"  {dutch_date(d['due']):<18} {d['label']:<34} {d['status']:<10} {d['basis']}")
    for wait in data["waits"]:
        print(f"wacht: {wait}")
    if data["elapsed"]:
        print(f"sinds einde termijn: {data['elapsed']}")
    print("brieven:")
    for letter in data["letters"]:
        print(f"  {letter['letter']:<34} {letter['state']}" + (f" — {letter['reason']}" if letter["reason"] else ""))
        for v in letter["versions"]:
            print(f"    versie {v['version']:<3} {v['status']:<14} {v['docx'] or '-'}"
                  + (f" — {v['reason']}" if v["reason"] else ""))
            for point in v["open_points"]:
                print(f"      open punt: {point[:120]}")
    for note in data["attention"]:
        print(f"let op: {note}")
    for odd in data["oddities"]:
        print(f"opvallend: {odd}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    """Record a decision the IND takes itself: a grant made outside docgen (no second grant follows), on
    voortgezet verblijf (the revocation that waited for it follows) or on a bezwaar. The drafter does the rest."""
    from docgen.register.store import Reviews

    settings, store = _register(args)
    v_nummer = _v_nummer(args.v_nummer)
    if not store.events(v_nummer):
        raise DocgenError(f"no case with V-nummer {v_nummer} in the register")
    kind = {"verlening": "besluit_verlening", "voortgezet-verblijf": "besluit_vv", "bezwaar": "besluit_bezwaar",
            "sepot": "sepot_bevestigd"}[args.what]
    if (args.what == "verlening") != (args.outcome == "verleend"):
        raise DocgenError("a grant made outside docgen is recorded as 'verlening verleend'; 'verleend' fits nothing else")
    if (args.what == "sepot") != (args.outcome == "bevestigd"):
        raise DocgenError("a sepot the OM confirmed is recorded as 'sepot bevestigd'; 'bevestigd' fits nothing else")
    day = _day_arg(args.date, "--date")
    fields = {"uitkomst": args.outcome, **({"kenmerk": args.kenmerk} if args.kenmerk else {})}
    Reviews(store).record_decision(v_nummer, kind, day, fields, args.by, _clock(args).now())
    Drafter(settings, store, _clock(args)).reassess(v_nummer)
    print(f"recorded: {args.what} {args.outcome} on {dutch_date(day)} for {v_nummer}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The pilot's tables: lead time per step against target; counts per message type and state."""
    settings, store = _register(args)
    start, end = _day_arg(args.date_from, "--from"), _day_arg(args.date_to, "--to")
    rows = register_rows(store, Drafts(store), _clock(args).now(), load_policy(settings.rules))
    out = csv.writer(sys.stdout)
    if args.per_case:
        header, rows = per_case(rows)
        if args.csv:
            out.writerow(header)
            out.writerows(rows)
        else:
            for row in [header] + rows:
                print(" | ".join(row))
        return 0
    steps = lead_times([measured for _, _, measured in rows], start, end)
    types = type_counts(store.messages(), start, end)
    states = state_counts(rows)
    if args.csv:
        out.writerow(["tabel", "naam", "streeftermijn", "eenheid", "gemiddeld", "aantal", "binnen_streeftermijn",
                      "pilot"])
        for step in steps:
            out.writerow(["doorlooptijd", step.name, step.target_text, step.unit,
                          "" if step.average is None else f"{step.average:.1f}".replace(".", ","),
                          len(step.durations), step.within_target, step.pilot])
        for kind, counter in sorted(types.items()):
            out.writerow(["berichten", kind, "", "", "", counter["totaal"], "", ""])
        for state, count in sorted(states.items()):
            out.writerow(["zaken", state, "", "", "", count, "", ""])
        return 0
    print(f"{'stap':<56} {'streeftermijn':<24} {'gemiddeld':>14} {'aantal':>6} {'binnen':>6}  pilot")
    for step in steps:
        avg = "-" if step.average is None else f"{step.average:.1f} {step.unit}".replace(".", ",")
        print(f"{step.name:<56} {step.target_text:<24} {avg:>14} {len(step.durations):>6} {step.within_target:>6}"
              f"  {step.pilot}")
    print()
    print(f"{'soort bericht':<24} {'aantal':>6} {'triage':>7}")
    for kind, counter in sorted(types.items()):
        print(f"{kind:<24} {counter['totaal']:>6} {counter['triage']:>7}")
    print()
    print(f"{'toestand':<30} {'aantal':>6}")
    for state, count in sorted(states.items()):
        print(f"{state:<30} {count:>6}")
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


def _new_password(name: str) -> str:
    import getpass
    import os

    password = os.environ.get("DOCGEN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise DocgenError(f"no terminal to ask the password of {name} on: set $DOCGEN_PASSWORD")
        try:
            password = getpass.getpass(f"password for {name}: ")
            if getpass.getpass("again: ") != password:
                raise DocgenError("the two passwords differ")
        except EOFError:
            raise DocgenError(f"no password given for {name}") from None
    if len(password) < 12:
        raise DocgenError("a password needs at least 12 characters")
    return password


def cmd_users(args: argparse.Namespace) -> int:
    """Accounts for the web application. The password comes from $DOCGEN_PASSWORD or a prompt.

    A new password, a new role or removal ends every session the user has open.
    """
    from docgen.register.store import Reviews
    from docgen.web.auth import ROLES, hash_password

    settings = Settings.from_env(args.data)
    if args.action == "list" and not settings.database_url.startswith("postgres") and not settings.data.is_dir():
        raise DocgenError(f"no data directory {settings.data} (give --data, or add a user first)")
    with Store(settings.database_url) as store:
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
            print(f"removed {args.name}; its sessions are ended")
            return 0
        if args.action != "add" and reviews.user(args.name) is None:
            raise DocgenError(f"no user {args.name}")
        if args.action == "add" and reviews.user(args.name) is not None:
            raise DocgenError(f"user {args.name} exists already; change it with 'users passwd' or 'users role'")
        role = args.role_name or args.role or ("monitor" if args.action == "add" else None)
        if args.action in ("add", "role") and role not in ROLES:
            raise DocgenError(f"the role must be one of {', '.join(ROLES)}")
        if args.action == "role":
            reviews.set_role(args.name, role)
            print(f"{args.name} is now {role}; its sessions are ended")
            return 0
        password_hash = hash_password(_new_password(args.name))
        if args.action == "passwd":
            reviews.set_password(args.name, password_hash)
            print(f"password of {args.name} changed; its sessions are ended")
        elif not reviews.add_user(args.name, password_hash, role):
            raise DocgenError(f"user {args.name} exists already; change it with 'users passwd' or 'users role'")
        else:
            print(f"added {args.name} ({role})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The web application under waitress (a production WSGI server), on loopback unless told otherwise."""
    import waitress

    from docgen.watcher import DrafterProcess
    from docgen.web import create_app
    from docgen.web.app import MAX_REQUEST_BYTES

    settings, clock = Settings.from_env(args.data), _clock(args)
    app = create_app(settings, clock=clock, secure_cookies=args.secure_cookies, render_seconds=args.render_seconds)
    proxy = {}
    if args.trusted_proxy:  # TLS ends at a reverse proxy: take the client's address and scheme from it
        proxy = {"trusted_proxy": args.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}}
    if args.secure_cookies:
        log.info("session cookies are Secure: browsers send them over HTTPS only (a TLS proxy in front)")
    drafter = None if args.no_drafter else DrafterProcess(settings, None, clock)
    if drafter:  # a monitor's triage decision is drafted even when no watcher runs
        drafter.start()
        drafter.keep_alive()
    try:
        # Bodies over the limit are refused before they are read; larger bodies than 256 kB wait on disk.
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="docgen",
                       max_request_body_size=MAX_REQUEST_BYTES, inbuf_overflow=256 * 1024,
                       channel_timeout=120, clear_untrusted_proxy_headers=True, **proxy)
    finally:
        if drafter:
            drafter.request_stop()
            drafter.join(timeout=60)
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
    p.add_argument("--today", help="decide as of this day (YYYY-MM-DD or D-M-YYYY): replays and tests")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("watch", help="watch drop folders and IMAP mailboxes; process every message once")
    p.add_argument("--inbox", default="inbox", help="folder to watch (default ./inbox, created if missing)")
    p.add_argument("--source", action="append",
                   help="a drop folder PATH, or imap://USER@HOST:PORT/FOLDER (imaps:// for TLS; password in "
                        "$DOCGEN_IMAP_PASSWORD); repeatable, replaces --inbox")
    p.add_argument("--config", help="a YAML file with mailboxes, folders and reviewers (see README)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between polls (network shares send no events)")
    p.add_argument("--today", help="decide as of this day (YYYY-MM-DD or D-M-YYYY): replays and tests")
    p.add_argument("--insecure", action="store_true",
                   help="allow imap:// (no TLS: the password travels in clear) to a host that is not loopback")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("templates", help="check all letter templates, or preview one with example data")
    p.add_argument("action", choices=["check", "preview"])
    p.add_argument("name", nargs="?", help="preview: the letter or template name")
    p.add_argument("--out", help="preview: folder for the DOCX and PDF (default <data>/preview)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("users", help="add, remove, list accounts of the web application; change a password or role")
    p.add_argument("action", choices=["add", "remove", "list", "passwd", "role"])
    p.add_argument("name", nargs="?")
    p.add_argument("role_name", nargs="?", metavar="ROLE", help="role: the new role")
    p.add_argument("--role", help="add: monitor (default), behandelaar, contactpersoon, template-maintainer, manager"
                   " (report and cases, read-only), admin")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("serve", help="the web application for monitors, staff and template maintainers")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    p.add_argument("--no-drafter", action="store_true",
                   help="do not draft from this process (a `docgen watch` elsewhere drafts for the register)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--secure-cookies", action="store_true",
                   help="send the session cookie over HTTPS only (TLS ends at a reverse proxy in front)")
    p.add_argument("--trusted-proxy", metavar="ADDRESS",
                   help="the reverse proxy's address: trust its X-Forwarded-For and X-Forwarded-Proto")
    p.add_argument("--threads", type=int, default=4, help="requests served at once (default 4)")
    p.add_argument("--today", help="as of this day (YYYY-MM-DD or D-M-YYYY)")
    p.add_argument("--render-seconds", type=float, default=60, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="each source's state: connected, last message, backlog, errors")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("cases", help="cases with their state and next deadline, overdue first")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help="as of this day (YYYY-MM-DD or D-M-YYYY)")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("case", help="one case's timeline, deadlines, drafts and oddities")
    p.add_argument("v_nummer", help="the 10-digit V-nummer (spaces or dots allowed)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help="as of this day (YYYY-MM-DD or D-M-YYYY)")
    p.set_defaults(func=cmd_case)

    p = sub.add_parser("decide", help="record the IND's own decision for a case: a grant made outside docgen, "
                                      "on voortgezet verblijf, on a bezwaar, or the OM's confirmation of a sepot")
    p.add_argument("v_nummer", help="the V-nummer (spaces or dots allowed)")
    p.add_argument("what", choices=["verlening", "voortgezet-verblijf", "bezwaar", "sepot"])
    p.add_argument("outcome", choices=["verleend", "toegewezen", "afgewezen", "ingetrokken", "niet-ontvankelijk",
                                       "bevestigd"])
    p.add_argument("--kenmerk", help="the decision's kenmerk in the case system")
    p.add_argument("--date", required=True, help="the day of the decision (YYYY-MM-DD or D-M-YYYY)")
    p.add_argument("--by", required=True, help="who records it (the behandelaar's account name)")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help="as of this day (YYYY-MM-DD or D-M-YYYY)")
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("report", help="the pilot's tables: lead times per step, counts per type and state")
    p.add_argument("--from", dest="date_from", help="first day of the period (YYYY-MM-DD or D-M-YYYY)")
    p.add_argument("--to", dest="date_to", help="last day of the period (YYYY-MM-DD or D-M-YYYY)")
    p.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--per-case", action="store_true", help="one row per case, one column per step")
    p.add_argument("--data", default=None, help="data directory (default ./var)")
    p.add_argument("--today", help="as of this day (YYYY-MM-DD or D-M-YYYY)")
    p.set_defaults(func=cmd_report)
    return parser


def _private(data: Path) -> None:
    """A data directory left readable to others by an older version is closed: it holds personal data."""
    try:
        mode = data.stat().st_mode
    except OSError:
        return
    if data.is_dir() and mode & 0o077 and data.stat().st_uid == os.getuid():
        try:
            data.chmod(0o700)
        except OSError:  # a read-only data directory: the register says so in one line when it is opened
            return
        log.warning("data directory %s was readable by others; now 0700", data)


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # registers, drafts and quarantine hold personal data: nothing for group or others
    args = build_parser().parse_args(argv)
    logs.setup()  # every log line escaped in one place (file names and Message-IDs come from outside)
    if hasattr(args, "data"):
        _private(Settings.from_env(args.data).data)
    try:
        return args.func(args)
    except DocgenError as exc:
        print(f"docgen: {logs.escape(str(exc))}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        print(f"docgen: {logs.escape(str(exc.filename or ''))}: {exc.strerror}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `docgen cases | head`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
