"""Web costs, each against a baseline in the same run:
  - pages on 10,000 cases (SQLite): p95 of the case list (first page, a name search, a late page sorted by
    name), a case page and the report, each vs a bare SELECT of the same rows;
  - login: a wrong password and an unknown name (both should cost one scrypt) vs a bare scrypt check;
  - upload: sanitize_upload of a corrected letter vs bare unzipping of the same DOCX;
  - PDF of an upload: rendered in a bounded child process vs rendered in-process.
Run: .venv/bin/python bench/web.py [--n 20] [--cases 10000] [--only pages|login|upload]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from werkzeug.security import check_password_hash  # noqa: E402

from docgen.clock import Clock  # noqa: E402
from docgen.config import Settings  # noqa: E402
from docgen.drafter import Drafter, summary  # noqa: E402
from docgen.letters.bounded import render_pdf_bounded  # noqa: E402
from docgen.letters.render import render_pdf  # noqa: E402
from docgen.letters.upload import sanitize_upload  # noqa: E402
from docgen.register.store import Reviews, Store, now  # noqa: E402
from docgen.web import create_app  # noqa: E402
from docgen.web.auth import hash_password  # noqa: E402

TEMPLATES = ROOT / "templates"
TODAY = dt.date(2026, 4, 17)
KINDS = [("m55", {"soort": "aangifte"}, 0), ("sepot", {"parketnummer": "09/{n:06d}-25"}, 9),
         ("uitreiking", {}, 15), ("uitstelverzoek", {"weken": "2"}, 20), ("zienswijze", {}, 35)]
NAMES = ["Amina", "Grace", "Li", "Mercy", "Samuel", "Hawa", "Ioana", "Kwame", "Esther", "Zoë"]
SURNAMES = ["Conteh", "Owusu", "Sesay", "Turay", "Wang", "Popescu", "Eze", "Diallo", "Camara", "Koroma"]


def median_ms(fn, n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def p95_ms(fn, n: int) -> float:
    fn()  # warm: templates compiled, pages of the database in the cache
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[max(0, round(0.95 * len(times)) - 1)] * 1000


def fill(store: Store, cases: int, seed: int = 7) -> None:
    """`cases` synthetic cases: their messages and events in bulk, a concept letter for each case with an
    event after the M55 (as the drafter registers it, files not rendered), then each case's listing row as
    the drafter makes it."""
    rng = random.Random(seed)
    db = store.db
    with db.transaction():
        i = 0
        for n in range(cases):
            v, day0 = f"{1000000000 + n}", dt.date(2025, 6, 2) + dt.timedelta(days=rng.randrange(300))
            person = {"naam": f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                      "geboortedatum": f"19{rng.randrange(60, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}"}
            for kind, fields, offset in KINDS[: rng.randrange(1, len(KINDS) + 1)]:
                day = day0 + dt.timedelta(days=offset + rng.randrange(5))
                values = {"datum": day.isoformat(), **{k: f.format(n=n) for k, f in fields.items()}, **person}
                i += 1
                at = f"{day}T10:00:00+00:00"
                msg = db.one("INSERT INTO messages (sha256, source, source_key, name, received, arrived, processed_at,"
                             " status, type, v_nummers, fields, sender, subject) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                             " RETURNING id", (f"{i:064x}", "bench", str(i), f"{i}.eml", at, at, now(), "classified",
                                               kind, json.dumps([v]), json.dumps(values), "x@politie.nl", kind))
                event = store.add_event(v, kind, day.isoformat(), at, msg["id"], json.dumps(values))
                if kind == "sepot":
                    letter(db, v, event, n)
    drafter = Drafter(Settings(data=Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent,
                               rules=ROOT / "inbox_rules", templates=TEMPLATES), store, Clock.on(TODAY))
    at = Clock.on(TODAY).now()
    with db.transaction():
        for v in store.dirty_cases(limit=cases + 1):
            store.save_case(summary(drafter.case(v), at), [])


def letter(db, v: str, event: int, n: int) -> None:
    when = now()
    row = db.one("INSERT INTO letters (v_nummer, slot, kind, trigger_event, state, updated_at) VALUES (?,?,?,?,?,?)"
                 " RETURNING id", (v, f"voornemen-intrekking:{event}", "voornemen-intrekking", event, "concept", when))
    db.execute("INSERT INTO versions (letter_id, number, origin, status, docx_path, pdf_path, docx_sha256, created_by,"
               " created_at) VALUES (?,?,?,?,?,?,?,?,?)", (row["id"], 1, "gemaakt", "concept",
                                                          f"outbox/{v}/{v}-voornemen-intrekking-v1.docx",
                                                          f"outbox/{v}/{v}-voornemen-intrekking-v1.pdf",
                                                          f"{n:064x}", "docgen", when))
    db.execute("INSERT INTO audit (at, actor, action, v_nummer, letter_id, version) VALUES (?,?,?,?,?,?)",
               (when, "docgen", "concept", v, row["id"], 1))


def page_figures(n: int, cases: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data=Path(folder) / "var", rules=ROOT / "inbox_rules", templates=TEMPLATES)
        with Store(settings.database) as store:
            start = time.perf_counter()
            fill(store, cases)
            made = time.perf_counter() - start
            Reviews(store).add_user("ada", hash_password("correct-horse-battery"), "admin")
        print(f"register of {cases} cases made in {made:.0f} s")
        client = create_app(settings, Clock.on(TODAY)).test_client()
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"csrf": token, "name": "ada", "password": "correct-horse-battery"})
        bare = Store(settings.database)
        v = "1000004242"

        def get(path: str):
            def fetch():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            return fetch

        order = "overdue DESC, next_due IS NULL, next_due, v_nummer"
        rows = {
            "case list, page 1": ("/cases", f"SELECT * FROM cases ORDER BY {order} LIMIT 50"),
            "case list, name search": ("/cases?q=grace+conteh",
                                       "SELECT * FROM cases WHERE lower(naam) LIKE '%grace conteh%' ORDER BY naam"
                                       " LIMIT 50"),
            "case list, page 150 by name": ("/cases?sorteer=naam&richting=af&pagina=150",
                                            "SELECT * FROM cases ORDER BY naam DESC LIMIT 50 OFFSET 7450"),
            "case page": (f"/cases/{v}", f"SELECT * FROM events e JOIN messages m ON m.id = e.message_row"
                                         f" WHERE e.v_nummer = '{v}'"),
            "inbox, page 1": ("/inbox", "SELECT * FROM messages ORDER BY id DESC LIMIT 50"),
            "Mijn concepten": ("/werk/concepten", "SELECT * FROM letters WHERE state = 'concept' LIMIT 50"),
            "report": ("/report", "SELECT * FROM events ORDER BY v_nummer, event_date, id"),
        }
        from docgen.web.reporting import forget

        start = time.perf_counter()
        get("/report")()
        cold = (time.perf_counter() - start) * 1000
        forget()
        for name, (path, sql) in rows.items():
            ours = p95_ms(get(path), n if name != "report" else max(5, n // 4))
            floor = p95_ms(lambda sql=sql: bare.db.all(sql), n)
            print(f"{name:<28}: p95 {ours:8.1f} ms   ({ours / floor:6.1f}x a bare SELECT of the same rows, "
                  f"{floor:.2f} ms)")
        floor = p95_ms(lambda: bare.db.all(rows["report"][1]), n)
        print(f"{'report, first (cold)':<28}: once {cold:7.0f} ms   ({cold / floor:6.1f}x a bare SELECT of the same rows, "
              f"{floor:.2f} ms; every case's stored steps read, then kept until the register changes)")
        bare.close()


def login_figures(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data=Path(folder) / "var", rules=ROOT / "inbox_rules", templates=TEMPLATES)
        stored = hash_password("correct-horse-battery")
        with Store(settings.database) as store:
            Reviews(store).add_user("bea", stored, "behandelaar")
        client = create_app(settings).test_client()
        counter = iter(range(10**6))

        def post_ms(name: str) -> float:
            """One login POST, timed alone: the form is fetched before and failures are forgotten after."""
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            start = time.perf_counter()
            client.post("/login", data={"csrf": token, "name": name, "password": "wrong-password-guess"},
                        environ_base={"REMOTE_ADDR": f"192.0.2.{next(counter) % 250}"})
            took = time.perf_counter() - start
            with Store(settings.database) as store:
                Reviews(store).clear_failures(name)
            return took * 1000

        post_ms("bea")
        wrong, unknown = [], []
        for _ in range(n):  # interleaved, so load from elsewhere on the machine falls on both alike
            wrong.append(post_ms("bea"))
            unknown.append(post_ms(f"nobody{next(counter)}"))
        wrong, unknown = statistics.median(wrong), statistics.median(unknown)
        bare = median_ms(lambda: check_password_hash(stored, "wrong-password-guess"), n)
    print(f"login, wrong password : {wrong:7.1f} ms   ({wrong / bare:.2f}x a bare scrypt check of {bare:.1f} ms)")
    print(f"login, unknown name   : {unknown:7.1f} ms   ({unknown / bare:.2f}x; unknown/wrong = {unknown / wrong:.2f})")


def upload_figures(n: int) -> None:
    docx = (TEMPLATES / "voornemen-intrekking.docx").read_bytes()

    def unzip() -> None:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            for name in archive.namelist():
                archive.read(name)

    bare = median_ms(unzip, n)
    clean = median_ms(lambda: sanitize_upload(docx, "brief.docx"), n)
    print(f"sanitize_upload       : {clean:7.1f} ms   ({clean / bare:.1f}x bare unzipping, {bare:.2f} ms)")
    inproc = median_ms(lambda: render_pdf(docx, TEMPLATES, "brief"), max(3, n // 4))
    child = median_ms(lambda: render_pdf_bounded(docx, TEMPLATES, "brief"), max(3, n // 4))
    print(f"PDF in a bounded child: {child:7.1f} ms   ({child / inproc:.1f}x in-process, {inproc:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--only", choices=["pages", "login", "upload"])
    args = parser.parse_args()
    if args.only in (None, "pages"):
        page_figures(args.n, args.cases)
    if args.only in (None, "login"):
        login_figures(args.n)
    if args.only in (None, "upload"):
        upload_figures(args.n)


if __name__ == "__main__":
    main()
