"""Kill -9 trials: `docgen watch` takes in a backlog and is killed at random moments, N times; then it runs to
the end. Its final drafts must equal those of one clean `docgen run --once` of the same mail — the same
letters, saying the same (not only as many).

Prints per trial where the kill fell, and at the end the comparison beside the clean run's time.
Run: .venv/bin/python bench/kill_trials.py [--trials 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
from conftest import SAMPLE, final_drafts  # noqa: E402

from docgen.register.store import Store  # noqa: E402

TODAY = "2026-10-06"
DOCGEN = [sys.executable, "-m", "docgen"]


def backlog(folder: Path) -> list[Path]:
    """The whole sample and the case histories of tests/data/cases, as one mailbox backlog."""
    folder.mkdir(parents=True)
    files = sorted(SAMPLE.glob("*.eml")) + sorted((ROOT / "tests" / "data" / "cases").rglob("*.eml"))
    for n, path in enumerate(files):
        shutil.copy(path, folder / f"{n:03d}-{path.parent.name}-{path.name}")
    return sorted(folder.iterdir())


def watch(inbox: Path, data: Path, log) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_DATABASE_URL": "", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*DOCGEN, "watch", "--inbox", str(inbox), "--data", str(data), "--poll", "0.2",
                             "--today", TODAY], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)


def settled(inbox: Path, data: Path) -> bool:
    if any(p.suffix == ".eml" for p in inbox.iterdir()):
        return False
    with Store(str(data / "docgen.sqlite3")) as store:
        return not store.dirty_cases(limit=1) and not store.db.one(
            "SELECT 1 FROM versions WHERE status = 'wordt gemaakt'")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = backlog(tmp / "all")
        start = time.perf_counter()
        subprocess.run([*DOCGEN, "run", "--inbox", str(tmp / "all"), "--data", str(tmp / "clean"), "--once", "--keep",
                        "--today", TODAY], cwd=ROOT, check=True, capture_output=True)
        clean_seconds = time.perf_counter() - start
        inbox, data = tmp / "inbox", tmp / "var"
        inbox.mkdir()
        for path in files:
            shutil.copy(path, inbox / path.name)
        with open(tmp / "watch.log", "w") as log:
            start = time.perf_counter()
            for trial in range(1, args.trials + 1):
                proc = watch(inbox, data, log)
                delay = rng.uniform(0.5, 4.0)
                time.sleep(delay)
                os.killpg(proc.pid, signal.SIGKILL)  # the watcher and its drafter, mid-work
                proc.wait()
                left = sum(1 for p in inbox.iterdir() if p.suffix == ".eml")
                print(f"trial {trial:3d}: killed after {delay:.1f} s, {left} message(s) still in the inbox")
            proc = watch(inbox, data, log)
            deadline = time.monotonic() + 900
            while not settled(inbox, data) and time.monotonic() < deadline:
                time.sleep(0.5)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
            watch_seconds = time.perf_counter() - start
        ours, clean = final_drafts(data), final_drafts(tmp / "clean")
        same = ours == clean
        print(f"{len(files)} messages; {args.trials} kill -9 trials, then to the end: {watch_seconds:.0f} s "
              f"(one clean run: {clean_seconds:.0f} s)")
        print(f"final drafts: {len(ours)} under watch, {len(clean)} in the clean run — "
              f"{'identical (letters, facts and text)' if same else 'DIFFERENT'}")
        if not same:
            for key in sorted(set(ours) | set(clean)):
                if ours.get(key) != clean.get(key):
                    print(f"  differs: {key}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
