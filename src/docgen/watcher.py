"""The main loop: take what sources offer, process each message once, keep going through bad input."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from docgen.pipeline import Pipeline
from docgen.sources.folder import FolderSource

log = logging.getLogger("docgen")


def drain(pipeline: Pipeline, source: FolderSource) -> int:
    """Process every complete file waiting in the folder; return how many were handled."""
    handled = 0
    for path in source.pending():
        if not source.stable(path):
            source.wakeup.set()  # look again soon
            continue
        try:
            outcome = pipeline.process(source.read(path))
        except FileNotFoundError:
            continue  # taken by another watcher
        except Exception as exc:  # never let one message stop the watcher; it stays for a retry
            log.error("message %s outcome=error reason=%s", path.name, type(exc).__name__)
            continue
        source.done(path, outcome.status, outcome.reason)
        handled += 1
    return handled


def watch(pipeline: Pipeline, folders: list[Path], stop: threading.Event, poll_seconds: float = 2.0,
          wakeup: threading.Event | None = None) -> None:
    """Run until `stop` is set (set `wakeup` too to stop at once). watchdog wakes the loop at once;
    polling covers network shares, which send no events."""
    wakeup = wakeup or threading.Event()
    sources = [FolderSource(folder, wakeup=wakeup) for folder in folders]
    observers = []
    for source in sources:
        source.folder.mkdir(parents=True, exist_ok=True)
        observers.append(source.start_watching())
        log.info("watching %s", source.folder)
    pipeline.draft_due()  # catch up on drafts a crash left undone
    try:
        while not stop.is_set():
            wakeup.clear()
            for source in sources:
                drain(pipeline, source)
            wakeup.wait(poll_seconds)
    finally:
        for observer in observers:
            observer.stop()
        for observer in observers:
            observer.join(timeout=5)
