"""The walking skeleton's story: a sepot arrives in the inbox and a voornemen tot intrekking is drafted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

from conftest import DOCGEN, ROOT, SAMPLE, copy_messages, docx_text, draft, pdf_text, run_docgen


def _sepots(sample_labels, trusted=True):
    return [l for l in sample_labels if l["type"] == "sepot" and l["triage_expected"] != trusted]


def test_each_sepot_yields_one_voornemen_docx_and_pdf_that_real_readers_open(tmp_path, sample_labels):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    sepots = [l for l in sample_labels if l["type"] == "sepot"]
    copy_messages([l["file"] for l in sepots], SAMPLE, inbox)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")

    drafted = [l for l in sepots if not l["triage_expected"]]
    assert drafted, "the sample has sepots to draft for"
    folders = sorted(p.name for p in (data / "outbox").iterdir())
    assert folders == sorted({v for l in drafted for v in l["v_nummers"]})
    for label in drafted:
        (v,) = label["v_nummers"]
        docx, pdf = draft(data, v, "voornemen-intrekking"), draft(data, v, "voornemen-intrekking", ext="pdf")
        word, printed = docx_text(docx), pdf_text(pdf)
        for text in (word, " ".join(printed.split())):
            assert v in text
            assert label["parketnummer"] in text
        assert "4:8" in word and "B9/12" in word and "3.48" in word
    # The untrusted sepot (look-alike OM domain) is in triage, not drafted.
    for label in sepots:
        if label["triage_expected"]:
            for v in label["v_nummers"]:
                assert not (data / "outbox" / v).exists()


def test_the_name_from_the_sepotbrief_is_in_both_documents(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    copy_messages(["0006.eml"], SAMPLE, inbox)  # sepotbrief as PDF attachment: "van Kwame Owusu, V-nummer"
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    assert "Kwame Owusu" in docx_text(draft(data, "7668220325", "voornemen-intrekking"))
    assert "Kwame Owusu" in " ".join(pdf_text(draft(data, "7668220325", "voornemen-intrekking", ext="pdf")).split())


def test_processing_the_same_message_twice_changes_nothing(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    copy_messages(["0014.eml"], SAMPLE, inbox)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--keep")
    first = sorted(p.name for p in (data / "outbox" / "5878505886").iterdir())
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--keep")
    assert sorted(p.name for p in (data / "outbox" / "5878505886").iterdir()) == first
    db = sqlite3.connect(data / "docgen.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 1


def test_the_register_keeps_a_timeline_per_v_nummer(tmp_path, sample_labels):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    files = [l["file"] for l in sample_labels if "5878505886" in l["v_nummers"]]
    copy_messages(files, SAMPLE, inbox)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    db = sqlite3.connect(data / "docgen.sqlite3")
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE v_nummer='5878505886' ORDER BY event_date, id")]
    assert kinds == ["m55", "sepot", "uitreiking", "uitstelverzoek", "zienswijze"]


def test_watch_drafts_a_dropped_sepot_and_stops_cleanly_on_ctrl_c(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*DOCGEN, "watch", "--inbox", str(inbox), "--data", str(data)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        while not inbox.is_dir() and time.monotonic() < deadline:
            time.sleep(0.1)
        # Write the file the way a mail client would: in pieces, under its final name.
        data_bytes = (SAMPLE / "0042.eml").read_bytes()
        with open(inbox / "0042.eml", "wb") as handle:
            handle.write(data_bytes[:200])
            handle.flush()
            time.sleep(0.2)
            handle.write(data_bytes[200:])
        target = draft(data, "2956047063", "voornemen-intrekking", ext="pdf")
        deadline = time.monotonic() + 60
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert target.exists(), "no draft appeared"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "outcome=classified type=sepot v_nummer=2956047063" in err
    assert "drafted v_nummer=2956047063 letter=voornemen-intrekking version=1" in err
    assert (inbox / "processed" / "0042.eml").exists()
    # Logs carry V-nummer, message-id and outcome, no message content.
    assert "Oyuun Sesay" not in err and "Kennisgeving van niet-vervolging" not in err
