"""A drop folder of .eml files, watched with watchdog and polled as a fallback (network shares send no events).

What lies in a drop folder is not trusted: links are never followed (a link to /proc/self/environ
would hand us a secret), only regular files are opened (a FIFO would block us), the size is checked
on the opened file before anything is read, and a file is read only when it has held still for
`settle` seconds (a writer may pause). Whatever is refused is moved, as it is, into `quarantine/`
with a `.reason.txt` beside it.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from docgen.model import RawMessage

log = logging.getLogger("docgen.folder")
PROCESSED, QUARANTINE = "processed", "quarantine"
SETTLE_SECONDS = 2.0  # a file whose size and times held still this long is complete
INCOMPLETE_SECONDS = 300.0  # a message that still ends early after this long is quarantined
MAX_ATTEMPTS = 3  # a file that fails this often is quarantined with the last error
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Refused:
    """A file we will not read, and why; `reference` stands in for its bytes in the register."""

    path: Path
    reason: str
    reference: bytes


class FolderSource:
    """Yields complete .eml files in a folder; moves each away only after its outcome is recorded."""

    def __init__(self, folder: Path, move: bool = True, settle_seconds: float = SETTLE_SECONDS,
                 wakeup: threading.Event | None = None, max_bytes: int = 40_000_000,
                 incomplete_seconds: float = INCOMPLETE_SECONDS, max_attempts: int = MAX_ATTEMPTS):
        self.folder = folder
        self.move = move
        self.settle = settle_seconds
        self.name = f"folder:{folder}"
        self.wakeup = wakeup or threading.Event()
        self.max_bytes = max_bytes
        self.incomplete_seconds = incomplete_seconds
        self.max_attempts = max_attempts
        self.failures: dict[tuple, int] = {}  # (name, identity) → failed attempts
        self.waiting: dict[str, tuple] = {}  # name → (identity, first seen) of files not settled yet
        self.incomplete: dict[str, tuple] = {}  # name → (identity, first seen, found cut off) of a file
        self.timer: threading.Timer | None = None

    def pending(self) -> list[Path]:
        """Every .eml entry that is not a directory, links included (they are refused, not followed)."""
        try:
            with os.scandir(self.folder) as entries:
                return sorted(Path(e.path) for e in entries
                              if e.name.lower().endswith(".eml") and not e.is_dir(follow_symlinks=False))
        except FileNotFoundError:
            return []

    def ready_in(self, path: Path) -> float | None:
        """Seconds until the file may be read (0: now), or None when it is gone. A file is read when its
        size, mtime and ctime (which no writer can set back) held still for `settle` seconds: judged by
        its age, or by watching it when its clock is ahead of ours (a network share)."""
        try:
            st = path.lstat()
        except FileNotFoundError:
            self.waiting.pop(path.name, None)
            return None
        age = time.time() - max(st.st_mtime, st.st_ctime)
        if age >= 0:
            self.waiting.pop(path.name, None)
            return max(0.0, self.settle - age)
        seen, now = self.waiting.get(path.name), time.monotonic()
        if seen is None or seen[0] != _identity(st):
            self.waiting[path.name] = (_identity(st), now)
            return self.settle
        return max(0.0, self.settle - (now - seen[1]))

    def open(self, path: Path) -> RawMessage | Refused:
        """Read a regular file without following links; anything else is Refused with the reason."""
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link
                return self._refuse(path, path.lstat(), f"is a symbolic link (to {_link_target(path)}); "
                                                        "links are never followed")
            if exc.errno == errno.ENXIO:  # a FIFO without a writer, a socket
                return self._refuse(path, path.lstat(), "is not a regular file")
            raise
        with os.fdopen(fd, "rb") as stream:
            st = os.fstat(stream.fileno())
            if not stat.S_ISREG(st.st_mode):
                return self._refuse(path, st, "is not a regular file")
            if st.st_nlink > 1:
                return self._refuse(path, st, "has other hard links (it may be a file from elsewhere)")
            if st.st_size > self.max_bytes:
                return self._refuse(path, st, f"is {st.st_size} bytes, more than the limit of {self.max_bytes}")
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:  # it grew while we read it
            return self._refuse(path, st, f"is more than the limit of {self.max_bytes} bytes")
        arrived = dt.datetime.fromtimestamp(st.st_mtime, dt.UTC)  # when it was dropped; pipeline.arrival decides
        return RawMessage(source=self.name, key=path.name, name=path.name, data=data, arrived=arrived)

    def _refuse(self, path: Path, st: os.stat_result, why: str) -> Refused:
        reference = f"refused {self.folder}/{path.name} {_identity(st)} {time.time_ns()}".encode()
        return Refused(path, f"{path.name} {why}", reference)

    def done(self, path: Path, outcome: str, reason: str = "") -> None:
        """Move the file (a link itself, never its target) to processed/ or quarantine/."""
        if self.move:
            self._move(path, outcome, reason)
        self.failures = {k: v for k, v in self.failures.items() if k[0] != path.name}
        self.incomplete.pop(path.name, None)

    def _move(self, path: Path, outcome: str, reason: str) -> None:
        target = self.folder / (QUARANTINE if outcome == "quarantined" else PROCESSED)
        try:
            target.mkdir()
        except FileExistsError:
            if not stat.S_ISDIR(target.lstat().st_mode):  # a planted link would send our files elsewhere
                raise NotADirectoryError(f"{target} is not a directory (a link?); not moving {path.name}") from None
        dest = _free_name(target / path.name)
        os.rename(path, dest)
        if outcome == "quarantined":
            fd = os.open(dest.with_name(dest.name + ".reason.txt"),
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o640)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(reason + "\n")

    def wake_after(self, seconds: float) -> None:
        """Look again when the youngest file has settled (watchdog only tells us it changed)."""
        if self.timer is not None and self.timer.is_alive():
            return
        self.timer = threading.Timer(seconds + 0.05, self.wakeup.set)
        self.timer.daemon = True
        self.timer.start()

    def start_watching(self) -> Observer:
        handler = _Wake(self.wakeup)
        observer = Observer()
        observer.schedule(handler, str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        return observer


def _identity(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


class _Wake(FileSystemEventHandler):
    def __init__(self, wakeup: threading.Event):
        self.wakeup = wakeup

    def on_any_event(self, event) -> None:
        self.wakeup.set()


def _free_name(path: Path) -> Path:
    if not os.path.lexists(path):
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(path)
