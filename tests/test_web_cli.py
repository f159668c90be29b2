"""The command line with the same care as the pages (#15.7): no traceback for a bad date, a missing file or
a missing terminal; commands that only read refuse a data directory that is not there; `case` takes a
V-nummer as people type it; `run --once` shows n/N on a terminal and each message's `drafted=` counts the
drafts it caused."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess

import pytest
from conftest import DOCGEN, ROOT, SAMPLE, run_docgen


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A sepot (0042) and a zienswijze (0041) of another case, as `docgen run` leaves them."""
    data = tmp_path_factory.mktemp("cli") / "var"
    inbox = data.parent / "inbox"
    inbox.mkdir()
    for name in ("0042.eml", "0041.eml"):
        shutil.copy(SAMPLE / name, inbox / name)
    done = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--today", "2026-04-17")
    return data, done.stderr


def docgen(*args: str, stdin=subprocess.DEVNULL, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCGEN, *args], cwd=ROOT, capture_output=True, text=True, stdin=stdin, timeout=300,
                          env=env or {k: v for k, v in os.environ.items() if k != "DOCGEN_PASSWORD"})


def test_each_message_line_counts_the_drafts_it_caused(register):
    _, log = register
    lines = {line.split("message ")[1].split()[0]: line for line in log.splitlines() if " message 0" in line}
    assert "drafted=1" in lines["0042.eml"]  # the sepot: its voornemen tot intrekking
    assert "drafted=0" in lines["0041.eml"]  # a zienswijze whose case has no letter to draft yet
    assert "done: 2 message(s) handled" in log and "drafted=1" in log.splitlines()[-1]


@pytest.mark.parametrize("args", [("--from", "01-03-2026"), ("--from", "1 maart 2026", "--to", "2026-03-31")],
                         ids=["dutch numbers", "dutch month"])
def test_a_date_as_people_write_it_is_taken(register, args):
    data, _ = register
    done = docgen("report", "--data", str(data), *args)
    assert done.returncode == 0 and "sepot → voornemen tot intrekking" in done.stdout


@pytest.mark.parametrize("args, words", [
    (("report", "--from", "31-02-2026"), "‘31-02-2026’ is geen datum"),
    (("cases", "--today", "morgen"), "‘morgen’ is geen datum"),
    (("classify", "/nergens/bericht.eml"), "/nergens/bericht.eml: no such file or folder"),
    (("case", "12345"), "'12345' is not a V-nummer"),
], ids=["impossible day", "not a date", "missing file", "short V-nummer"])
def test_a_mistake_is_one_line_without_traceback(register, args, words):
    data, _ = register
    done = docgen(*args, "--data", str(data))
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_case_takes_a_v_nummer_with_dots_or_spaces(register):
    data, _ = register
    for typed in ("2956.047.063", "2956 047 063", "29 56 04 70 63"):
        done = docgen("case", typed, "--data", str(data))
        assert done.returncode == 0 and done.stdout.startswith("V-nummer 2956047063"), typed


@pytest.mark.parametrize("command", [("status",), ("cases",), ("case", "2956047063"), ("report",), ("users", "list")])
def test_a_command_that_only_reads_refuses_a_data_directory_that_is_not_there(tmp_path, command):
    missing = tmp_path / "typo"
    done = docgen(*command, "--data", str(missing))
    assert done.returncode == 2 and str(missing) in done.stderr and "Traceback" not in done.stderr
    assert not missing.exists()  # no empty register was made


def test_without_a_terminal_the_password_is_asked_for_in_words(tmp_path):
    done = docgen("users", "add", "kim", "--role", "manager", "--data", str(tmp_path / "var"))
    assert done.returncode == 2 and "no terminal to ask the password of kim on: set $DOCGEN_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_manager_role_is_a_role_accounts_can_have(tmp_path):
    env = {**os.environ, "DOCGEN_PASSWORD": "correct-horse-battery"}
    done = docgen("users", "add", "max", "--role", "manager", "--data", str(tmp_path / "var"), env=env)
    assert done.returncode == 0 and "added max (manager)" in done.stdout


def test_run_shows_progress_on_a_terminal(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    for name in ("0042.eml", "0041.eml", "0001.eml"):
        shutil.copy(SAMPLE / name, inbox / name)
    leader, follower = pty.openpty()
    process = subprocess.Popen([*DOCGEN, "run", "--inbox", str(inbox), "--data", str(data), "--once", "--today",
                                "2026-04-17"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0
    assert b"\r1/3 message(s)" in seen and b"\r3/3 message(s)" in seen
    piped = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")  # not a terminal: no progress
    assert "message(s)\r" not in piped.stderr and "/0 message(s)" not in piped.stderr
