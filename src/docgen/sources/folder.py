"""A drop folder of .eml files, watched with watchdog and polled as a fallback (network shares send no events)."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from docgen.model import RawMessage

log = logging.getLogger("docgen.folder")
PROCESSED, QUARANTINE = "processed", "quarantine"


class FolderSource:
    """Yields complete .eml files in a folder; moves each away only after its outcome is recorded."""

    def __init__(self, folder: Path, move: bool = True, settle_seconds: float = 0.5,
                 wakeup: threading.Event | None = None):
        self.folder = folder
        self.move = move
        self.settle = settle_seconds
        self.name = f"folder:{folder}"
        self.wakeup = wakeup or threading.Event()

    def pending(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.iterdir() if p.suffix.lower() == ".eml" and p.is_file())
        except FileNotFoundError:
            return []

    def stable(self, path: Path) -> bool:
        """A file still being written is not read half: its size and mtime must hold still."""
        try:
            first = path.stat()
            if time.time() - first.st_mtime >= self.settle:
                return True
            time.sleep(self.settle)
            second = path.stat()
        except FileNotFoundError:
            return False
        return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)

    def read(self, path: Path) -> RawMessage:
        import datetime as dt

        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        return RawMessage(source=self.name, key=path.name, name=path.name, data=path.read_bytes(), arrived=mtime)

    def done(self, path: Path, outcome: str, reason: str = "") -> None:
        if not self.move:
            return
        target = self.folder / (QUARANTINE if outcome == "quarantined" else PROCESSED)
        target.mkdir(exist_ok=True)
        dest = _free_name(target / path.name)
        shutil.move(str(path), dest)
        if outcome == "quarantined":
            dest.with_name(dest.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")

    def start_watching(self) -> Observer:
        handler = _Wake(self.wakeup)
        observer = Observer()
        observer.schedule(handler, str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        return observer


class _Wake(FileSystemEventHandler):
    def __init__(self, wakeup: threading.Event):
        self.wakeup = wakeup

    def on_any_event(self, event) -> None:
        self.wakeup.set()


def _free_name(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)

