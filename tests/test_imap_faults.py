"""Through faults: the IMAP server restarts mid-IDLE, the watcher is killed at random moments."""

from __future__ import annotations

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
from conftest import DOCGEN, ROOT, SAMPLE, SHARED, Mailboxes, wait_for

from docgen.register.store import Store

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
    proc = subprocess.Popen([*DOCGEN, "watch", "--source", url, "--data", str(data), "--poll", "0.5"], cwd=ROOT,
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
        for path in files:
            client.append(box.folder, path.read_bytes())
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
        sepots = sum(1 for p in files if "sepot" in p.name)
        wait_for(lambda: not box.uids(), timeout=120)
        with Store(data / "docgen.sqlite3") as store:
            voornemen = lambda: [d for d in store.drafts() if d["letter"] == "voornemen-intrekking"]  # noqa: E731
            wait_for(lambda: len(voornemen()) >= sepots, timeout=120)
    finally:
        proc.send_signal(signal.SIGINT)  # the drafter finishes the letter in hand, then all stops
        proc.wait(timeout=120)
    with Store(data / "docgen.sqlite3") as store:
        return {"messages": store.messages(), "drafts": store.drafts(),
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
    sepots = [l for l in chosen if l["type"] == "sepot"]
    drafts = result["drafts"]
    assert len([d for d in drafts if d["letter"] == "voornemen-intrekking"]) == len(sepots)
    assert len({(d["letter"], d["trigger_event"]) for d in drafts}) == len(drafts)  # each letter once per trigger
    outbox = [p for p in (tmp_path / "var" / "outbox").rglob("*") if p.is_file()]
    assert len(outbox) == 2 * len(drafts) and not [p for p in outbox if p.stem.endswith("-2")]
