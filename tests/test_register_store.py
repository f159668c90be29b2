"""The register on SQLite and on PostgreSQL: the same code, the same behaviour, exactly once."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import threading

import pytest
from conftest import DOCGEN, ROOT, SAMPLE, copy_messages

from docgen.model import Classification
from docgen.register.migrations import MIGRATIONS
from docgen.register.store import Store


def _sepot(v="7668220325"):
    return Classification("sepot", (v,), False, {"datum": "2026-02-18", "parketnummer": "09/814298-25"})


@pytest.fixture
def store(database_url):
    with Store(database_url) as store:
        yield store


def test_recording_a_message_twice_changes_nothing(store):
    when = dt.datetime(2026, 2, 18, 10, tzinfo=dt.UTC)
    first = store.record(digest="a" * 64, source="t", key="1", name="1.eml", message_id="<1>", received=when,
                         result=_sepot())
    again = store.record(digest="a" * 64, source="t", key="1", name="1.eml", message_id="<1>", received=when,
                         result=_sepot())
    assert not first.duplicate and again.duplicate and again.message_row == first.message_row
    assert len(store.events("7668220325")) == 1
    assert store.events("7668220325")[0].fields["parketnummer"] == "09/814298-25"


def _pending_version(store, database_url):
    """A sepot recorded and its case reassessed: one voornemen version waits to be rendered."""
    from docgen.clock import Clock
    from docgen.config import Settings
    from docgen.drafter import Drafter

    store.record(digest="b" * 64, source="t", key="1", name="1.eml", message_id="<1>", received=None, result=_sepot())
    settings = Settings(data=ROOT / "var-unused", rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    (version,) = Drafter(settings, store, Clock.on(dt.date(2026, 2, 19))).reassess("7668220325")
    return version


def test_a_draft_is_claimed_by_one_worker_only(store, database_url):
    from docgen.register.drafts import Drafts

    version = _pending_version(store, database_url)
    claims = []

    def worker():
        with Store(database_url) as own:
            claims.append(Drafts(own).claim(version))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1 and won[0].version.number == 1


def test_a_claim_whose_worker_died_is_taken_over_later(store, database_url):
    from docgen.register.drafts import Drafts

    version = _pending_version(store, database_url)
    drafts = Drafts(store)
    assert drafts.claim(version) is not None
    assert drafts.claim(version, stale_seconds=300) is None
    assert drafts.claim(version, stale_seconds=0) is not None


def test_migrations_are_recorded_and_run_once(store, database_url):
    with Store(database_url) as again:
        names = [r["name"] for r in again.db.all("SELECT name FROM schema_migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    assert names[0] == "0001_messages_events_drafts"


@pytest.mark.parametrize("watchers", [4])
def test_several_watchers_at_once_process_each_message_and_draft_each_letter_once(database_url, tmp_path,
                                                                                   sample_labels, watchers):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    chosen = [l for l in sample_labels if l["type"] in ("sepot", "m55", "uitreiking")][:40]
    copy_messages([l["file"] for l in chosen], SAMPLE, inbox)
    env = {**os.environ, "DOCGEN_DATABASE_URL": database_url if database_url.startswith("postgres") else ""}
    procs = [subprocess.Popen([*DOCGEN, "run", "--inbox", str(inbox), "--data", str(data), "--once", "--keep"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(watchers)]
    results = [proc.communicate(timeout=600) for proc in procs]  # collect all before judging any
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
    with Store(database_url if database_url.startswith("postgres") else data / "docgen.sqlite3") as store:
        messages = store.messages()
        letters = store.db.all("SELECT * FROM letters")
        versions = store.db.all("SELECT * FROM versions")
    assert len(messages) == len(chosen)
    alone = tmp_path / "alone"
    copy_messages([l["file"] for l in chosen], SAMPLE, alone / "inbox")
    subprocess.run([*DOCGEN, "run", "--inbox", str(alone / "inbox"), "--data", str(alone), "--once", "--keep"], cwd=ROOT,
                   env={**env, "DOCGEN_DATABASE_URL": ""}, check=True, capture_output=True, timeout=600)
    with Store(alone / "docgen.sqlite3") as single:
        expected = {(l["v_nummer"], l["kind"]) for l in single.db.all("SELECT * FROM letters")}
    assert {kind for _, kind in expected} >= {"beschikking-verlening", "beschikking-intrekking"}
    assert {(l["v_nummer"], l["kind"]) for l in letters} == expected  # the same letters as one watcher drafts
    assert len({l["slot"] for l in letters}) == len(letters)  # each letter once per trigger
    assert all(v["status"] == "concept" for v in versions)  # rendered, each exactly once
    files = [p for p in (data / "outbox").rglob("*") if p.is_file()]
    assert len(files) == 2 * len(versions)
    assert not [p for p in files if not p.stem.endswith("-v1")]  # no letter drafted a second time
    if not database_url.startswith("postgres"):
        assert sqlite3.connect(data / "docgen.sqlite3").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
