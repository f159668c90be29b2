"""Register speed on SQLite and PostgreSQL, each against a bare baseline measured in the same run.

  - intake: messages/s through Store.record (one transaction per message with its event, as the
    watcher does) vs. a bare executemany of the same rows in one transaction;
  - report: `docgen report` over 10,000 synthetic cases vs. the bare SELECT of all their events.
PostgreSQL is measured when DOCGEN_TEST_POSTGRES_URL is set (scripts/postgres.sh start).
Run: .venv/bin/python bench/register.py [--cases 10000] [--messages 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.clock import Clock  # noqa: E402
from docgen.config import Settings  # noqa: E402
from docgen.drafter import Drafter  # noqa: E402
from docgen.model import Classification  # noqa: E402
from docgen.register.store import Store, now  # noqa: E402

KINDS = [("m55", {"soort": "aangifte"}, 0), ("sepot", {"parketnummer": "09/123456-25"}, 9),
         ("uitreiking", {}, 15), ("uitstelverzoek", {"weken": "2"}, 20), ("zienswijze", {}, 35)]


def synthetic(cases: int, seed: int = 7):
    rng = random.Random(seed)
    start = dt.date(2025, 1, 6)
    for n in range(cases):
        v = f"{1000000000 + n}"
        day0 = start + dt.timedelta(days=rng.randrange(600))
        for kind, fields, offset in KINDS[: rng.randrange(1, len(KINDS) + 1)]:
            day = day0 + dt.timedelta(days=offset + rng.randrange(5))
            yield v, kind, day, {"datum": day.isoformat(), **fields}


def fresh_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return str(tmp / f"{uuid.uuid4().hex}.sqlite3")
    import psycopg

    admin = os.environ["DOCGEN_TEST_POSTGRES_URL"]
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + "/" + name


def bench_intake(url: str, messages: int) -> tuple[float, float]:
    rows = list(synthetic(messages // 3 + 1))[:messages]
    with Store(url) as store:
        start = time.perf_counter()
        for i, (v, kind, day, fields) in enumerate(rows):
            result = Classification(kind, (v,), False, fields)
            store.record(digest=f"{i:064x}", source="bench", key=str(i), name=f"{i}.eml", message_id="",
                         received=dt.datetime.combine(day, dt.time(10), dt.UTC), result=result)
        ours = time.perf_counter() - start
    with Store(fresh_url("sqlite" if not url.startswith("postgres") else "postgres", Path(url).parent)) as bare:
        start = time.perf_counter()
        _bulk(bare, rows, offset=0)
        baseline = time.perf_counter() - start
    return messages / ours, messages / baseline


def _bulk(store: Store, rows, offset: int) -> None:
    """The floor: the same rows, inserted in one transaction without per-message work."""
    db = store.db
    with db.transaction():
        for i, (v, kind, day, fields) in enumerate(rows, start=offset):
            msg = db.one("INSERT INTO messages (sha256, source, source_key, name, received, processed_at, status, type,"
                         " v_nummers, fields) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
                         (f"{i:064x}", "bench", str(i), f"{i}.eml", f"{day}T10:00:00+00:00", now(), "classified", kind,
                          json.dumps([v]), json.dumps(fields)))
            db.execute("INSERT INTO events (v_nummer, kind, event_date, received, message_row, fields)"
                       " VALUES (?,?,?,?,?,?)", (v, kind, day.isoformat(), f"{day}T10:00:00+00:00", msg["id"],
                                                   json.dumps(fields)))


def bench_reassess(url: str, cases: int, messages: int, data: Path) -> tuple[float, float]:
    """Record + reassess per message, in a register that holds `cases` cases already."""
    settings = Settings(data=data, rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    clock = Clock.on(dt.date(2026, 11, 25))
    with Store(url) as store:
        _bulk(store, list(synthetic(cases)), offset=10**9)
        store.db.execute("UPDATE cases SET dirty = 0")
        drafter = Drafter(settings, store, clock)
        rng = random.Random(3)
        picks = [f"{1000000000 + rng.randrange(cases)}" for _ in range(messages)]

        def run(offset: int, reassess: bool) -> float:
            start = time.perf_counter()
            for i, v in enumerate(picks):
                day = dt.date(2026, 6, 1) + dt.timedelta(days=i % 90)
                result = Classification("zienswijze", (v,), False, {"datum": day.isoformat()})
                store.record(digest=f"{offset + i:064x}", source="bench", key=str(i), name=f"{i}.eml", message_id="",
                             received=dt.datetime.combine(day, dt.time(10), dt.UTC), result=result)
                if reassess:
                    drafter.reassess(v)
            return messages / (time.perf_counter() - start)

        bare = run(2 * 10**9, reassess=False)
        ours = run(3 * 10**9, reassess=True)
    return ours, bare


def bench_report(url: str, cases: int, data: Path) -> tuple[float, float, int]:
    rows = list(synthetic(cases))
    with Store(url) as store:
        _bulk(store, rows, offset=10**9)
        start = time.perf_counter()
        store.db.all("SELECT * FROM events ORDER BY v_nummer, event_date, id")
        bare = time.perf_counter() - start
    env = {**os.environ, "DOCGEN_DATABASE_URL": url if url.startswith("postgres") else ""}
    cmd = [sys.executable, "-m", "docgen", "report", "--per-case", "--csv", "--data", str(data), "--today",
           "2026-11-25"]
    if not url.startswith("postgres"):
        (data / "docgen.sqlite3").unlink(missing_ok=True)
        os.link(url, data / "docgen.sqlite3")
    startup = _time([sys.executable, "-c", "import docgen.cli"], env)
    report = _time(cmd, env)
    return report, bare + startup, len(rows)


def _time(cmd, env) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=2_000)
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgres"] if os.environ.get("DOCGEN_TEST_POSTGRES_URL") else [])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for kind in kinds:
            ours, bare = bench_intake(fresh_url(kind, tmp), args.messages)
            print(f"{kind:<9} intake: {ours:8.0f} messages/s (one transaction each) vs bare bulk insert "
                  f"{bare:8.0f}/s (ratio {bare / ours:.1f}x)")
            data = tmp / f"data-{kind}"
            data.mkdir()
            ours, bare = bench_reassess(fresh_url(kind, tmp), args.cases, args.messages // 2, data)
            print(f"{kind:<9} record + reassessment of the case, {args.cases} cases in the register: {ours:8.0f} "
                  f"messages/s vs record alone {bare:8.0f}/s (ratio {bare / ours:.1f}x)")
            report, floor, events = bench_report(fresh_url(kind, tmp), args.cases, data)
            print(f"{kind:<9} report --per-case over {args.cases} cases ({events} events): {report:.2f} s vs "
                  f"{floor:.2f} s for process start-up + bare SELECT (ratio {report / floor:.1f}x)")


if __name__ == "__main__":
    main()
