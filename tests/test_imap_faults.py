"""Through faults: the IMAP server restarts mid-IDLE, the watcher is killed at random moments."""

from __future__ import annotations

import email
import email.utils
import os
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from conftest import DOCGEN, ROOT, SAMPLE, SHARED, Mailboxes, final_drafts, run_docgen, wait_for

from docgen.register.store import Store

TODAY = "2026-10-06"  # one clock for the watcher and the clean run it is compared with

SCRIPT = SHARED / "tools" / "imap-server.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(action: str, home: str, port: int) -> None:
    env = {**os.environ, "IMAP_HOME": home, "IMAP_PORT": str(port), "IMAP_USER": "monitor", "IMAP_PASSWORD": "secret"}
    subprocess.run(["bash", str(SCRIPT), action] + ([home] if action == "stop" else []), env=env,
                   capture_output=True, text=True, check=True)
    if action == "stop":
        # Stopping the master leaves open sessions served by their imap processes; a real restart
        # (shutdown_clients) ends them, so end them too: this is the cut the watcher must survive.
        subprocess.run(["pkill", "-f", f"dovecot-imap-test-{port}/"], check=False)


@pytest.fixture
def own_server(imap_server):
    """A Dovecot of this test's own, that the test may stop and start (its mail is kept in between)."""
    home, port = tempfile.mkdtemp(prefix="/tmp/dgi"), _free_port()
    _server("start", home, port)
    env = {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": str(port), "IMAP_USER": "monitor", "IMAP_PASSWORD": "secret"}
    yield home, port, env
    _server("stop", home, port)
    subprocess.run(["rm", "-rf", home], check=False)


def _watch(data: Path, url: str, password: str, log: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_IMAP_PASSWORD": password, "PYTHONUNBUFFERED": "1"}
    env.pop("DOCGEN_DATABASE_URL", None)
    stderr = open(log, "a") if log else subprocess.PIPE
    proc = subprocess.Popen([*DOCGEN, "watch", "--source", url, "--data", str(data), "--poll", "0.5",
                             "--today", TODAY], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
    if log:
        stderr.close()  # the child has its own copy
    return proc


def test_the_watcher_reconnects_after_the_server_restarts_mid_idle(own_server, tmp_path):
    home, port, env = own_server
    box = Mailboxes(env, "INBOX.restart")
    box.append((SAMPLE / "0003.eml").read_bytes())
    proc = _watch(tmp_path / "var", box.url, "secret")
    try:
        wait_for(lambda: not box.uids(), timeout=60)
        box.close()
        time.sleep(1.0)  # the watcher is now in IDLE
        _server("stop", home, port)
        time.sleep(2.0)
        _server("start", home, port)
        box = Mailboxes.__new__(Mailboxes)
        Mailboxes.__init__(box, env, "INBOX.restart2")  # a fresh login; creates another folder, harmless
        box.client.append("INBOX.restart", (SAMPLE / "0013.eml").read_bytes())
        box.folder = "INBOX.restart"
        wait_for(lambda: not box.uids(), timeout=60)
        with Store(tmp_path / "var" / "docgen.sqlite3") as store:
            assert len(store.messages()) == 2
            status = {r["name"]: r for r in store.source_status()}
        (row,) = [r for n, r in status.items() if n.startswith("imap://")]
        assert row["errors"] >= 1 and row["state"] == "connected"
        box.close()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "reconnecting" in err


def kill_trials(box: Mailboxes, data: Path, files: list[Path], kills: int, seed: int) -> dict:
    """Append `files` while killing the watcher with SIGKILL `kills` times at random moments."""
    rng = random.Random(seed)
    appended = threading.Event()

    def appender():
        from imapclient import IMAPClient

        s = box.server
        client = IMAPClient(s["IMAP_HOST"], port=int(s["IMAP_PORT"]), ssl=False)
        client.login(s["IMAP_USER"], s["IMAP_PASSWORD"])
        for path in files:  # as mail arrives at a server: INTERNALDATE is when the sender sent it
            data = path.read_bytes()
            sent = email.utils.parsedate_to_datetime(email.message_from_bytes(data)["Date"])
            client.append(box.folder, data, msg_time=sent)
            time.sleep(rng.uniform(0.0, 0.15))
        client.logout()
        appended.set()

    thread = threading.Thread(target=appender)
    thread.start()
    log = data.parent / "watch.log"
    for _ in range(kills):
        proc = _watch(data, box.url, box.server["IMAP_PASSWORD"], log)
        time.sleep(rng.uniform(0.8, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    thread.join()
    proc = _watch(data, box.url, box.server["IMAP_PASSWORD"], log)
    try:
        wait_for(lambda: not box.uids(), timeout=120)
        with Store(data / "docgen.sqlite3") as store:  # the drafter has caught up: nothing marked, nothing pending
            settled = lambda: not store.dirty_cases(limit=1) and not store.db.one(  # noqa: E731
                "SELECT 1 FROM versions WHERE status = 'wordt gemaakt'")
            wait_for(settled, timeout=180)
    finally:
        proc.send_signal(signal.SIGINT)  # the drafter finishes the letter in hand, then all stops
        proc.wait(timeout=120)
    with Store(data / "docgen.sqlite3") as store:
        return {"messages": store.messages(),
                "moved": sum(len(box.uids(f"{box.folder}.{f}")) for f in ("Verwerkt", "Triage", "Quarantaine"))}


def test_killed_at_random_moments_every_message_is_processed_and_drafted_exactly_once(mailbox, tmp_path,
                                                                                       sample_labels):
    chosen = [l for l in sample_labels if l["type"] in ("sepot", "m55") and not l["triage_expected"]][:24]
    staged = tmp_path / "staged"
    staged.mkdir()
    files = []
    for label in chosen:  # name each file after its type so the trial knows how many drafts to expect
        target = staged / f"{label['type']}-{label['file']}"
        target.write_bytes((SAMPLE / label["file"]).read_bytes())
        files.append(target)
    result = kill_trials(mailbox, tmp_path / "var", files, kills=3, seed=11)
    assert len(result["messages"]) == len(files)
    assert result["moved"] == len(files)  # every message in exactly one folder: none lost, none copied twice
    # The final drafts are those of a clean run of the same mail, not only as many.
    run_docgen("run", "--inbox", str(staged), "--data", str(tmp_path / "clean"), "--once", "--keep",
               "--today", TODAY)
    assert final_drafts(tmp_path / "var") == final_drafts(tmp_path / "clean")
