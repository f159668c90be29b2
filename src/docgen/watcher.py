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
from docgen.errors import RegisterError
from docgen.model import RawMessage
from docgen.parse import Incomplete
from docgen.pipeline import Pipeline
from docgen.sources.config import Sources
from docgen.sources.folder import FolderSource, Refused

log = logging.getLogger("docgen")
RESCAN_SECONDS = 60.0  # letters that time made due (a term has ended)
POLL_SECONDS = 1.0     # marks from elsewhere (a triage decision on the web page) are drafted within this
SETTLE_WAIT_SECONDS = 30.0  # docgen run waits this long at most for files still being written


def drain(pipeline: Pipeline, source: FolderSource, draft: bool = True, on_message=None,
          once: bool = False, reassess: bool = True) -> int:
    """Process every complete file waiting in the folder; return how many were handled.

    A file still being written is left until it has settled; a message that ends early is looked at
    again later, and quarantined when it still does after `source.incomplete_seconds`; a file that
    keeps failing is quarantined after `source.max_attempts`. A register that cannot be written
    (RegisterError) leaves every file where it is: `once` (docgen run) waits for young files and
    raises it, so the command fails; otherwise (watch) the next pass tries again. `reassess=False`
    only marks the cases a message touches (a run reads its whole backlog before drafting).
    """
    handled = 0
    give_up = time.monotonic() + SETTLE_WAIT_SECONDS
    while True:
        young: list[float] = []
        for path in source.pending():
            wait = source.ready_in(path)
            if wait is None:
                continue
            if wait > 0:
                young.append(wait)
                continue
            try:
                done = _drain_one(pipeline, source, path, draft, attempts=source.max_attempts if once else 1,
                                  reassess=reassess)
            except RegisterError as exc:
                if once:  # the command fails with the reason; the file stays
                    raise
                log.error("register unavailable, %s stays in %s for later: %s", path.name, source.folder, exc)
                return handled
            if done:
                handled += 1
                if on_message:
                    on_message()
        if not young:
            return handled
        if not once:
            source.wake_after(min(young))
            return handled
        if time.monotonic() + min(young) > give_up:
            log.warning("%d file(s) in %s are still being written; left for the next run", len(young), source.folder)
            return handled
        time.sleep(min(young))


def _drain_one(pipeline: Pipeline, source: FolderSource, path: Path, draft: bool, attempts: int,
               reassess: bool = True) -> bool:
    """One file: True when it was handled and moved, False when it stays for later."""
    for _ in range(attempts):
        try:
            opened = source.open(path)
            if isinstance(opened, Refused):
                outcome = pipeline.process(RawMessage(source.name, path.name, path.name, opened.reference),
                                           draft=draft, reassess=reassess, refused=opened.reason)
                source.done(path, outcome.disposition, outcome.reason or opened.reason)
                return True
            retry = _may_still_grow(source, path)
            if retry is None:
                return False  # cut short, unchanged since we last looked: not yet worth parsing again
            outcome = pipeline.process(opened, draft=draft, reassess=reassess, retry=retry)
            source.done(path, outcome.disposition, outcome.reason)
            return True
        except FileNotFoundError:
            return False  # taken by another watcher
        except Incomplete as exc:
            identity, first_seen, _ = source.incomplete[path.name]
            source.incomplete[path.name] = (identity, first_seen, True)
            log.info("message %s outcome=incomplete reason=%s; looked at again later", path.name, exc.reason)
            return False
        except RegisterError:
            raise
        except Exception as exc:  # never let one message stop the watcher; it is retried, then quarantined
            log.error("message %s outcome=error reason=%s", path.name, type(exc).__name__, exc_info=True)
            if _failed(pipeline, source, path, exc):
                return True
    return False


def _may_still_grow(source: FolderSource, path: Path) -> bool | None:
    """May a cut-off message still be completed by its writer? True: parse it, and if it is cut off,
    leave it for later. False: it has been cut off for too long, quarantine it. None: it was cut off
    when we last looked and has not changed since: do not parse it again yet."""
    st = path.lstat()
    identity = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    age = time.time() - st.st_mtime
    seen = source.incomplete.get(path.name)
    if seen is None or seen[0] != identity:
        source.incomplete[path.name] = (identity, time.monotonic(), False)
        return age < source.incomplete_seconds
    if max(age, time.monotonic() - seen[1]) >= source.incomplete_seconds:
        return False
    return None if seen[2] else True


def _failed(pipeline: Pipeline, source: FolderSource, path: Path, exc: Exception) -> bool:
    """Count a failure; after the last attempt the file goes to quarantine with the reason."""
    try:
        st = path.lstat()
        key = (path.name, st.st_ino, st.st_size, st.st_mtime_ns)  # a new file of the same name starts afresh
    except FileNotFoundError:
        return True
    attempts = source.failures[key] = source.failures.get(key, 0) + 1
    reason = f"failed {attempts} time(s): {type(exc).__name__}: {exc}"[:300]
    note_error(pipeline.store, source.name, f"{path.name}: {reason}")
    if attempts < source.max_attempts:
        return False
    try:
        reference = f"failed {source.folder}/{path.name} {time.time_ns()}".encode()
        pipeline.process(RawMessage(source.name, path.name, path.name, reference), refused=reason)
    except Exception:  # the move below matters more than the record
        log.error("message %s could not be recorded in quarantine", path.name, exc_info=True)
    try:
        source.done(path, "quarantined", reason)
    except OSError:
        log.error("message %s could not be moved to quarantine", path.name, exc_info=True)
        return False
    return True


def note_error(store, name: str, error: str) -> None:
    """Count an error on a source for `docgen status`, keeping the state it is in."""
    states = {r["name"]: r["state"] for r in store.source_status()}
    store.set_source_status(name, states.get(name, "idle"), error=error)


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
    from docgen import logs

    logs.setup()  # the drafter's lines are escaped like the watcher's
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
