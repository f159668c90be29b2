"""The main loop: drop folders and IMAP mailboxes in threads, the drafter in a process of its own.

Intake never waits for a letter to render: it records each message and wakes the drafter, which drafts
whatever is due exactly once (claims in the register) and, if configured, mails it to the reviewers.
Rendering a PDF is CPU-bound Python; in a separate process it does not hold intake up.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from pathlib import Path

from docgen.classify import RuleSet, load_rules
from docgen.config import Settings
from docgen.pipeline import Pipeline
from docgen.sources.config import Sources
from docgen.sources.folder import FolderSource

log = logging.getLogger("docgen")
RESCAN_SECONDS = 60.0


def drain(pipeline: Pipeline, source: FolderSource, draft: bool = True, on_message=None) -> int:
    """Process every complete file waiting in the folder; return how many were handled."""
    handled = 0
    for path in source.pending():
        if not source.stable(path):
            source.wakeup.set()  # look again soon
            continue
        try:
            outcome = pipeline.process(source.read(path), draft=draft)
        except FileNotFoundError:
            continue  # taken by another watcher
        except Exception as exc:  # never let one message stop the watcher; it stays for a retry
            log.error("message %s outcome=error reason=%s", path.name, type(exc).__name__, exc_info=True)
            continue
        source.done(path, outcome.disposition, outcome.reason)
        if on_message:
            on_message()
        handled += 1
    return handled


class Watcher:
    def __init__(self, settings: Settings, sources: Sources, rules: RuleSet | None = None,
                 poll_seconds: float = 2.0):
        self.settings = settings
        self.sources = sources
        self.rules = rules or load_rules(settings.rules)
        self.poll = poll_seconds
        self.stop = threading.Event()
        self.wakeup = threading.Event()
        context = multiprocessing.get_context("spawn")
        self.draft_needed = context.Event()
        self.drafter_stop = context.Event()
        self.drafter = context.Process(target=run_drafter, name="docgen-drafter",
                                       args=(settings, sources.review, self.draft_needed, self.drafter_stop, os.getpid()))
        self.threads: list[threading.Thread] = []

    def _pipeline(self) -> Pipeline:
        return Pipeline(self.settings, rules=self.rules)

    def request_stop(self) -> None:
        self.stop.set()
        self.wakeup.set()
        self.drafter_stop.set()
        self.draft_needed.set()

    def run(self) -> None:
        """Run until request_stop(). Folders are watched in this thread, mailboxes in their own."""
        self.drafter.start()
        for mailbox in self.sources.mailboxes:
            self._start(lambda m=mailbox: self._mailbox(m), f"imap {mailbox.name}")
        try:
            self._folders([Path(p) for p in self.sources.folders])
        finally:
            self.request_stop()
            for thread in self.threads:
                thread.join(timeout=30)
            self.drafter.join(timeout=120)  # finishes the letter it is rendering, then stops

    def _start(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _folders(self, folders: list[Path]) -> None:
        pipeline = self._pipeline()
        sources = [FolderSource(folder, wakeup=self.wakeup) for folder in folders]
        observers = []
        for source in sources:
            source.folder.mkdir(parents=True, exist_ok=True)
            observers.append(source.start_watching())
            pipeline.store.set_source_status(f"folder:{source.folder}", "watching")
            log.info("watching %s", source.folder)
        try:
            while not self.stop.is_set():
                self.wakeup.clear()
                for source in sources:
                    if drain(pipeline, source, draft=False, on_message=self.draft_needed.set):
                        pipeline.store.set_source_status(source.name, "watching", message=True)
                self.wakeup.wait(self.poll)
        finally:
            for observer in observers:
                observer.stop()
            for observer in observers:
                observer.join(timeout=5)

    def _mailbox(self, config) -> None:
        from docgen.sources.imap import run_mailbox

        pipeline = self._pipeline()

        def handle(raw):
            outcome = pipeline.process(raw, draft=False)
            self.draft_needed.set()
            return outcome

        run_mailbox(config, pipeline.store, handle, self.stop)



def run_drafter(settings: Settings, review, draft_needed, stop, parent: int) -> None:
    """The drafter process: draft what is due whenever intake says so, and once a minute anyway."""
    import signal

    from docgen.outbox import clean_partial, send_for_review

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    pipeline = Pipeline(settings)
    clean_partial(settings.outbox)
    last_scan = 0.0
    while not stop.is_set() and os.getppid() == parent:  # a killed watcher leaves no orphan drafting on
        # Draft when intake says so; otherwise look once a minute for letters that time made due
        # (a zienswijze term that has passed).
        if not draft_needed.is_set() and time.monotonic() - last_scan < RESCAN_SECONDS:
            draft_needed.wait(1.0)
            continue
        draft_needed.clear()
        last_scan = time.monotonic()
        for drafted in pipeline.draft_due():
            if review:
                try:
                    send_for_review(review, drafted)
                except OSError as exc:
                    log.error("review mail failed v_nummer=%s reason=%s", drafted.v_nummer, type(exc).__name__)
    pipeline.store.close()
