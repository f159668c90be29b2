"""The main loop: drop folders, IMAP mailboxes and a drafter, each in its own thread with its own connection.

Intake never waits for a letter to render: it records each message and wakes the drafter, which drafts
whatever is due exactly once (claims in the register) and, if configured, mails it to the reviewers.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from docgen.classify import RuleSet
from docgen.config import Settings
from docgen.pipeline import Pipeline
from docgen.sources.config import Sources
from docgen.sources.folder import FolderSource

log = logging.getLogger("docgen")


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
            log.error("message %s outcome=error reason=%s", path.name, type(exc).__name__)
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
        self.rules = rules or Pipeline(settings).rules
        self.poll = poll_seconds
        self.stop = threading.Event()
        self.wakeup = threading.Event()
        self.draft_needed = threading.Event()
        self.threads: list[threading.Thread] = []

    def _pipeline(self) -> Pipeline:
        return Pipeline(self.settings, rules=self.rules)

    def request_stop(self) -> None:
        self.stop.set()
        self.wakeup.set()
        self.draft_needed.set()

    def run(self) -> None:
        """Run until request_stop(). Folders are watched in this thread; the rest in their own."""
        self._start(self._drafter, "drafter")
        for mailbox in self.sources.mailboxes:
            self._start(lambda m=mailbox: self._mailbox(m), f"imap {mailbox.name}")
        try:
            self._folders([Path(p) for p in self.sources.folders])
        finally:
            self.request_stop()
            for thread in self.threads:
                thread.join(timeout=30)

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

    def _drafter(self) -> None:
        from docgen.outbox import clean_partial

        pipeline = self._pipeline()
        review = self.sources.review
        clean_partial(self.settings.outbox)
        while not self.stop.is_set():
            for drafted in pipeline.draft_due():
                if review:
                    from docgen.outbox import send_for_review

                    try:
                        send_for_review(review, drafted)
                    except OSError as exc:
                        log.error("review mail failed v_nummer=%s reason=%s", drafted.v_nummer,
                                  type(exc).__name__)
            self.draft_needed.wait(5.0)
            self.draft_needed.clear()
