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
from pathlib import Path

_SRC = str(Path(__file__).resolve().parents[2])
_BOOT = "import sys; sys.path.insert(0, sys.argv.pop(1)); from docgen.parse.worker import main; main()"
MAX_REPLY = 16_000_000  # bytes; a reply longer than this is not believed
JOBS_PER_WORKER = 2000  # then a fresh one: pdfium's heap does not grow without end


def send_frame(sock: socket.socket, *parts: bytes) -> None:
    """A frame is its length (8 bytes) and its bytes. Plain socket calls: multiprocessing's Connection
    builds a selector for every poll, which cost more than a small PDF's text."""
    sock.sendall(b"".join([sum(map(len, parts)).to_bytes(8, "big"), *parts]))


def recv_frame(sock: socket.socket, limit: int) -> bytes:
    size = int.from_bytes(_recv_exact(sock, 8), "big")
    if size > limit:
        raise ValueError(f"a frame of {size} bytes is more than {limit}")
    return _recv_exact(sock, size)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("the other side closed the connection")
        got += n
    return bytes(buf)


class WorkerLost(Exception):
    """The worker ran out of time or memory (or crashed) and was killed."""


class ReaderBroken(RuntimeError):
    """A worker exited with an error of its own (it could not start): a fault of the installation,
    not of the attachment."""


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
        self.sock = parent
        self.jobs = 0
        self.dead = False

    def send(self, job: Job, data: bytes) -> None:
        """One frame: the JSON header and the attachment's bytes."""
        header = json.dumps(job.__dict__).encode("utf-8")
        try:
            self.sock.settimeout(10)
            send_frame(self.sock, len(header).to_bytes(4, "big") + header, data)
        except OSError as exc:  # it died while it was idle
            self.kill()
            raise WorkerLost("died") from exc

    def receive(self, seconds: float) -> dict:
        """The reply within `seconds`, or WorkerLost (and this worker is dead)."""
        try:
            self.sock.settimeout(max(0.001, seconds))
            reply = json.loads(recv_frame(self.sock, MAX_REPLY))
        except TimeoutError as exc:
            self.kill()
            raise WorkerLost("time") from exc
        except (EOFError, OSError, ValueError) as exc:  # it died: over its memory limit, or crashed
            self.kill()
            if self.proc.returncode and self.proc.returncode > 0:  # an exit of its own, not a signal
                raise ReaderBroken(f"the PDF reader exited with {self.proc.returncode}: check the "
                                   "installation (pypdfium2, pillow)") from exc
            raise WorkerLost("died") from exc
        self.jobs += 1
        return reply

    def kill(self) -> None:
        """Kill the worker and its tesseract (its process group); once."""
        if self.dead:
            return
        self.dead = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.sock.close()
        self.proc.wait()

    def close(self) -> None:
        """Ask politely (the worker exits when its socket closes), then make sure."""
        if self.dead:
            return
        self.sock.close()
        try:
            self.proc.wait(timeout=2)
            self.dead = True
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None


class Ticket:
    """A job a worker is reading; result() collects the reply (or WorkerLost) and frees the worker."""

    def __init__(self, pool: Pool, worker: Worker):
        self.pool, self.worker = pool, worker

    def result(self, seconds: float) -> dict:
        worker, self.worker = self.worker, None
        try:
            reply = worker.receive(seconds)
        except BaseException:
            worker.kill()
            self.pool._release(None)
            raise
        if worker.jobs >= JOBS_PER_WORKER:
            worker.close()
            worker = None
        self.pool._release(worker)
        return reply

    def cancel(self) -> None:
        """The reply is no longer wanted (the message failed meanwhile): the worker goes."""
        if self.worker is not None:
            self.worker.kill()
            self.worker = None
            self.pool._release(None)


class Pool:
    def __init__(self, size: int = 2):
        self.size = size
        self.idle: list[Worker] = []
        self.busy = 0
        self.lock = threading.Condition()
        self.pid = os.getpid()

    def submit(self, job: Job, data: bytes, memory_bytes: int) -> Ticket:
        """Send a job to a free worker and return at once; the caller goes on and collects the reply."""
        worker = self._acquire(memory_bytes)
        try:
            worker.send(job, data)
        except BaseException:
            worker.kill()
            self._release(None)
            raise
        return Ticket(self, worker)

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


def submit(job: Job, data: bytes, memory_bytes: int) -> Ticket:
    """Start reading one attachment in a worker; Ticket.result() gives the reply, or WorkerLost when
    it was over the time or memory limit."""
    return POOL.submit(job, data, memory_bytes)


def read(job: Job, data: bytes, seconds: float, memory_bytes: int) -> dict:
    return submit(job, data, memory_bytes).result(seconds)
