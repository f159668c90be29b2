"""The drop folder is not trusted: links, pipes, huge and half-written files, and files that keep failing."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from conftest import SAMPLE, run_docgen

SEPOT = "0006.eml"  # a sepot from the OM for V-nummer 7668220325


def messages(data) -> list[dict]:
    import sqlite3

    db = sqlite3.connect(data / "docgen.sqlite3")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM messages ORDER BY id")]
    db.close()
    return rows


def everything_under(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_a_link_in_the_drop_folder_is_quarantined_itself_and_never_followed(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    secret = tmp_path / "environ"
    secret.write_bytes(b"DOCGEN_IMAP_PASSWORD=hunter2-geheim\n")
    (inbox / "m55.eml").symlink_to(secret)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    moved = inbox / "quarantine" / "m55.eml"
    assert moved.is_symlink() and os.readlink(moved) == str(secret)  # the link itself, as it was
    assert secret.read_bytes().startswith(b"DOCGEN_IMAP_PASSWORD")
    reason = (inbox / "quarantine" / "m55.eml.reason.txt").read_text()
    assert "symbolic link" in reason and "never followed" in reason
    assert b"hunter2" not in everything_under(data)
    (row,) = messages(data)
    assert row["status"] == "quarantined" and "symbolic link" in row["triage_reasons"]


def test_a_pipe_in_the_drop_folder_does_not_block_intake(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    os.mkfifo(inbox / "a.eml")
    (inbox / SEPOT).write_bytes((SAMPLE / SEPOT).read_bytes())
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", timeout=120)
    assert "not a regular file" in (inbox / "quarantine" / "a.eml.reason.txt").read_text()
    assert (inbox / "processed" / SEPOT).exists()


def test_an_oversized_file_is_moved_to_quarantine_unread_and_not_copied(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    with open(inbox / "groot.eml", "wb") as big:  # sparse: 600 MB that take no disk
        big.write(b"From: a@b.nl\r\nSubject: groot\r\n\r\n")
        big.truncate(600_000_000)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    assert (inbox / "quarantine" / "groot.eml").stat().st_size == 600_000_000
    assert "600000000 bytes, more than the limit" in (inbox / "quarantine" / "groot.eml.reason.txt").read_text()
    copies = list((data / "quarantine").glob("*.eml"))
    assert copies == []  # a reference in the register, not a second 600 MB
    (row,) = messages(data)
    assert row["status"] == "quarantined" and "more than the limit" in row["triage_reasons"]


def _cut_off(tmp_path, paused_for: float):
    """The sample sepot half written to the drop folder by a writer that paused `paused_for` seconds ago."""
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    whole = (SAMPLE / SEPOT).read_bytes()
    half = inbox / SEPOT
    half.write_bytes(whole[: len(whole) // 2])
    old = time.time() - paused_for
    os.utime(half, (old, old))
    return inbox, data, half, whole


def test_a_message_cut_off_by_a_pausing_writer_waits_for_the_rest(tmp_path):
    inbox, data, half, whole = _cut_off(tmp_path, 30)  # the writer paused longer than the settle window
    proc = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    assert half.exists() and messages(data) == []  # not triaged as "no V-nummer": not recorded at all
    assert "outcome=incomplete" in proc.stderr
    with open(half, "ab") as rest:  # the writer wakes up and finishes
        rest.write(whole[len(whole) // 2:])
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    (row,) = messages(data)
    assert (row["status"], row["type"], json.loads(row["v_nummers"])) == ("classified", "sepot", ["7668220325"])


def test_a_message_still_cut_off_after_the_limit_is_quarantined_with_the_reason(tmp_path):
    inbox, data, cut, _ = _cut_off(tmp_path, 3600)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    reason = (inbox / "quarantine" / (SEPOT + ".reason.txt")).read_text()
    assert "ends before its last MIME boundary" in reason
    (row,) = messages(data)
    assert row["status"] == "quarantined"


def test_run_waits_for_a_file_that_is_still_being_written(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    whole = (SAMPLE / SEPOT).read_bytes()
    target = inbox / SEPOT
    target.write_bytes(whole[:200])  # headers only, the writer goes on in a moment

    def finish():
        time.sleep(0.5)
        with open(target, "ab") as rest:
            rest.write(whole[200:])

    writer = threading.Thread(target=finish)
    writer.start()
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    writer.join()
    (row,) = messages(data)
    assert (row["status"], row["type"]) == ("classified", "sepot")


def test_a_file_that_keeps_failing_is_quarantined_after_three_attempts(settings, tmp_path):
    from docgen.pipeline import Pipeline
    from docgen.sources.folder import FolderSource
    from docgen.watcher import drain

    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    (inbox / "processed").symlink_to(elsewhere)  # planted: would carry our files out of the drop folder
    (inbox / SEPOT).write_bytes((SAMPLE / SEPOT).read_bytes())
    pipeline = Pipeline(settings)
    source = FolderSource(inbox, settle_seconds=0)
    for attempt in range(3):  # three passes of the watcher
        assert (inbox / SEPOT).exists(), f"gone after {attempt} attempts"
        drain(pipeline, source, draft=False)
    assert list(elsewhere.iterdir()) == []
    reason = (inbox / "quarantine" / (SEPOT + ".reason.txt")).read_text()
    assert reason.startswith("failed 3 time(s): NotADirectoryError")
    status = {r["name"]: r for r in pipeline.store.source_status()}[source.name]
    assert status["errors"] == 3 and "NotADirectoryError" in status["last_error"]
    pipeline.store.close()


@pytest.mark.parametrize("where", ["file name", "message-id"])
def test_newlines_from_outside_cannot_forge_a_log_line(tmp_path, where):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    forged = "2026-03-03 10:00:00,000 INFO message x.eml id=- outcome=classified"
    raw = (SAMPLE / SEPOT).read_bytes()
    if where == "file name":
        name = f"a\n{forged}.eml"
    else:
        name = "a.eml"
        encoded = "".join(f"={b:02X}" for b in f"\n{forged}".encode())
        raw = raw.replace(b"Message-ID:", f"Message-ID: =?utf-8?q?x{encoded}?=\r\nX-Old-Id:".encode(), 1)
    (inbox / name).write_bytes(raw)
    proc = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    assert not any(line.startswith(forged) for line in proc.stderr.splitlines())
    assert "\\n" + forged in proc.stderr  # there, escaped, on the line it belongs to


def test_mail_is_never_received_after_the_clock_of_a_replay():
    """A replay as of 1 July must not receive a dropped file in its future (its mtime is today)."""
    import datetime as dt
    from types import SimpleNamespace

    from docgen.clock import Clock
    from docgen.model import RawMessage
    from docgen.pipeline import arrival

    clock = Clock.on(dt.date(2026, 7, 1))
    later = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    dropped = RawMessage("folder:inbox", "a.eml", "a.eml", b"", arrived=later)
    fetched = RawMessage("imap:ind", "7", "7", b"", arrived=later)
    undated = SimpleNamespace(date=None)
    assert arrival(dropped, undated, clock) == clock.now() == arrival(fetched, undated, clock)
    dated = SimpleNamespace(date=dt.datetime(2026, 6, 3, 9, tzinfo=dt.UTC))
    assert arrival(dropped, dated, clock) == dated.date
