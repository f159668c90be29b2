"""A small pool of reader workers: PDFs and scans are read in child processes with limits.

A PDF whose content stream inflates to gigabytes, or a page that renders to billions of pixels,
would take the whole watcher down with it; in a worker it only takes the worker. Each worker has a
memory limit (RLIMIT_AS, inherited by tesseract) and each job a time limit (the message's budget):
a worker over either is killed with its process group and replaced at the next job. Workers are
started once and reused (starting an interpreter per PDF would cost more than reading it), and one
worker serves one job at a time, so threads (mailboxes) each get their own.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

_SRC = str(Path(__file__).resolve().parents[2])
_BOOT = "import sys; sys.path.insert(0, sys.argv.pop(1)); from docgen.parse.worker import main; main()"
MAX_REPLY = 16_000_000  # bytes; a reply longer than this is not believed
JOBS_PER_WORKER = 500  # then a fresh one: pdfium's heap does not grow without end


class WorkerLost(Exception):
    """The worker ran out of time or memory (or crashed) and was killed."""


@dataclass(frozen=True)
class Job:
    op: str  # pdf | image
    name: str
    max_pages: int
    ocr: bool
    ocr_pages: int
    ocr_seconds: float
    max_pixels: int
    min_side: int


class Worker:
    def __init__(self, memory_bytes: int):
        self.memory = memory_bytes
        parent, child = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, _SRC, str(child.fileno()), str(memory_bytes)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,  # its own group: killed with tesseract
                env={**os.environ, "OMP_THREAD_LIMIT": "1"}, close_fds=True)
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.jobs = 0

    def run(self, job: Job, data: bytes, seconds: float) -> dict:
        """Send one job; the reply within `seconds`, or WorkerLost (and this worker is dead)."""
        try:
            self.conn.send_bytes(json.dumps(job.__dict__).encode("utf-8"))
            self.conn.send_bytes(data)
            if not self.conn.poll(max(0.0, seconds)):
                self.kill()
                raise WorkerLost("time")
            reply = json.loads(self.conn.recv_bytes(MAX_REPLY))
        except (EOFError, OSError, ValueError) as exc:  # it died: over its memory limit, or crashed
            self.kill()
            raise WorkerLost("died") from exc
        self.jobs += 1
        return reply

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.conn.close()
        self.proc.wait()

    def close(self) -> None:
        """Ask politely (the worker exits when its socket closes), then make sure."""
        self.conn.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None and not self.conn.closed


class Pool:
    def __init__(self, size: int = 2):
        self.size = size
        self.idle: list[Worker] = []
        self.busy = 0
        self.lock = threading.Condition()
        self.pid = os.getpid()

    def run(self, job: Job, data: bytes, seconds: float, memory_bytes: int) -> dict:
        worker = self._acquire(memory_bytes)
        try:
            reply = worker.run(job, data, seconds)
        except WorkerLost:
            self._release(None)
            raise
        except BaseException:
            worker.kill()
            self._release(None)
            raise
        if worker.jobs >= JOBS_PER_WORKER:
            worker.close()
            worker = None
        self._release(worker)
        return reply

    def _acquire(self, memory_bytes: int) -> Worker:
        with self.lock:
            self._after_fork()
            while True:
                while self.idle:
                    worker = self.idle.pop()
                    if worker.alive and worker.memory == memory_bytes:
                        self.busy += 1
                        return worker
                    worker.close()
                if self.busy < self.size:
                    self.busy += 1
                    break
                self.lock.wait()
        try:
            return Worker(memory_bytes)
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: Worker | None) -> None:
        with self.lock:
            self.busy -= 1
            if worker is not None:
                self.idle.append(worker)
            self.lock.notify()

    def _after_fork(self) -> None:
        """A forked child must not share its parent's workers (their sockets are the parent's)."""
        if self.pid != os.getpid():
            self.idle, self.busy, self.pid = [], 0, os.getpid()

    def close(self) -> None:
        with self.lock:
            if self.pid != os.getpid():
                return
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.close()


POOL = Pool(size=int(os.environ.get("DOCGEN_READERS", "2")))
atexit.register(POOL.close)


def read(job: Job, data: bytes, seconds: float, memory_bytes: int) -> dict:
    """Read one attachment in a worker; WorkerLost when it was over the time or memory limit."""
    return POOL.run(job, data, seconds, memory_bytes)
