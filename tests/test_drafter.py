"""One drafter for every way mail comes in: it keeps going when one case fails, and it is restarted when it dies."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import time

from conftest import DOCGEN, ROOT, SAMPLE, draft, wait_for

from docgen.clock import Clock
from docgen.pipeline import Pipeline
from docgen.sources.folder import FolderSource
from docgen.watcher import drain


def test_a_case_that_cannot_be_reassessed_stops_no_other_case_and_says_why(settings, tmp_path, caplog, monkeypatch):
    import docgen.drafter as drafter_module

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("0014.eml", "0042.eml"):  # two sepots, two cases
        shutil.copy(SAMPLE / name, inbox / name)
    pipeline = Pipeline(settings, clock=Clock.on(dt.date(2026, 4, 20)))
    drain(pipeline, FolderSource(inbox, settle_seconds=0), draft=False, reassess=False)
    real = drafter_module.assess

    def broken(v_nummer, *args, **kwargs):
        if v_nummer == "5878505886":
            raise TypeError("a case the procedure cannot read")
        return real(v_nummer, *args, **kwargs)

    monkeypatch.setattr(drafter_module, "assess", broken)
    drafted = pipeline.draft_due()
    assert [(d.v_nummer, d.letter) for d in drafted] == [("2956047063", "voornemen-intrekking")]
    failure = next(r for r in caplog.records if "reassess failed v_nummer=5878505886" in r.getMessage())
    assert failure.exc_info is not None  # the traceback is in the log
    monkeypatch.setattr(drafter_module, "assess", real)  # mended: the next day's pass drafts it
    pipeline.drafter.clock = Clock.on(dt.date(2026, 4, 21))
    assert [(d.v_nummer, d.letter) for d in pipeline.draft_due()] == [("5878505886", "voornemen-intrekking")]


def _children(pid: int) -> list[int]:
    """The watcher's drafter process (multiprocessing's spawned child, not its resource tracker)."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "spawn_main" in line]


def test_a_drafter_that_dies_is_started_again_and_drafting_goes_on(tmp_path):
    inbox, data, log = tmp_path / "inbox", tmp_path / "var", tmp_path / "watch.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DOCGEN_DATABASE_URL": ""}
    with open(log, "w") as err:
        proc = subprocess.Popen([*DOCGEN, "watch", "--inbox", str(inbox), "--data", str(data), "--poll", "0.3"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        (first,) = wait_for(lambda: _children(proc.pid), timeout=60)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: "drafter died" in log.read_text(), timeout=60)
        wait_for(lambda: _children(proc.pid) and _children(proc.pid) != [first], timeout=60)
        shutil.copy(SAMPLE / "0042.eml", inbox / "0042.eml")
        wait_for(lambda: draft(data, "2956047063", "voornemen-intrekking", ext="pdf").exists(), timeout=90)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    assert proc.returncode == 0
    time.sleep(0.1)
    assert "restarting it" in log.read_text()
