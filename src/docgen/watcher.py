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
from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.pipeline import Pipeline
from docgen.sources.config import Sources
from docgen.sources.folder import FolderSource

log = logging.getLogger("docgen")
RESCAN_SECONDS = 60.0  # letters that time made due (a term has ended)
POLL_SECONDS = 1.0     # marks from elsewhere (a triage decision on the web page) are drafted within this


def drain(pipeline: Pipeline, source: FolderSource, draft: bool = True, on_message=None, reassess: bool = True) -> int:
    """Process every complete file waiting in the folder; return how many were handled."""
    handled = 0
    for path in source.pending():
        if not source.stable(path):
            source.wakeup.set()  # look again soon
            continue
        try:
            outcome = pipeline.process(source.read(path), draft=draft, reassess=reassess)
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
                 poll_seconds: float = 2.0, clock: Clock = SYSTEM):
        self.settings = settings
        self.sources = sources
        self.rules = rules or load_rules(settings.rules)
        self.poll = poll_seconds
        self.clock = clock
        self.stop = threading.Event()
        self.wakeup = threading.Event()
        self.drafter = DrafterProcess(settings, sources.review, clock)
        self.draft_needed = self.drafter.draft_needed
        self.threads: list[threading.Thread] = []

    def _pipeline(self) -> Pipeline:
        return Pipeline(self.settings, rules=self.rules, clock=self.clock)

    def request_stop(self) -> None:
        self.stop.set()
        self.wakeup.set()
        self.drafter.request_stop()

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
                self.drafter.supervise()
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



class DrafterProcess:
    """The drafter in a process of its own, supervised: when it dies it is started again, and the
    traceback it logged says why. Rendering a PDF is CPU-bound; in its own process it never holds
    intake up."""

    def __init__(self, settings: Settings, review, clock: Clock):
        self.context = multiprocessing.get_context("spawn")
        self.settings, self.review, self.clock = settings, review, clock
        self.draft_needed = self.context.Event()
        self.stopping = self.context.Event()
        self.process = None
        self.restarts = 0

    def start(self) -> None:
        self.process = self.context.Process(target=run_drafter, name="docgen-drafter", daemon=False,
                                            args=(self.settings, self.review, self.draft_needed, self.stopping,
                                                  os.getpid(), self.clock))
        self.process.start()

    def supervise(self) -> None:
        if self.process is not None and not self.process.is_alive() and not self.stopping.is_set():
            self.restarts += 1
            log.error("drafter died (exit code %s); restarting it (restart %d)", self.process.exitcode, self.restarts)
            self.start()

    def keep_alive(self, every: float = 5.0) -> None:
        """Supervise from a thread of its own (for `serve`, which has no loop of ours to do it in)."""
        def loop():
            while not self.stopping.wait(every):
                self.supervise()
        threading.Thread(target=loop, name="drafter supervisor", daemon=True).start()

    def request_stop(self) -> None:
        self.stopping.set()
        self.draft_needed.set()

    def join(self, timeout: float) -> None:
        if self.process is not None:
            self.process.join(timeout=timeout)


def run_drafter(settings: Settings, review, draft_needed, stop, parent: int, clock: Clock = SYSTEM) -> None:
    """The drafter process: draft whenever intake says so, whenever a case is marked from elsewhere (polled
    every second), and once a minute for what time made due."""
    import signal

    from docgen.drafter import Drafter
    from docgen.outbox import clean_partial, send_for_review
    from docgen.register.store import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        store = Store(settings.database_url)
        drafter = Drafter(settings, store, clock)
        clean_partial(settings.outbox)
        last_scan = 0.0
        while not stop.is_set() and os.getppid() == parent:  # a killed watcher leaves no orphan drafting on
            rescan = time.monotonic() - last_scan >= RESCAN_SECONDS
            if not draft_needed.is_set() and not rescan and not store.dirty_cases(limit=1) \
                    and not drafter.drafts.pending():
                draft_needed.wait(POLL_SECONDS)
                continue
            draft_needed.clear()
            if rescan:
                last_scan = time.monotonic()
            for drafted in drafter.work():
                if review:
                    try:
                        send_for_review(review, drafted)
                    except OSError as exc:
                        log.error("review mail failed v_nummer=%s reason=%s", drafted.v_nummer, type(exc).__name__)
        store.close()
    except Exception:
        log.critical("drafter stopped by an error", exc_info=True)
        raise
