"""One functional mailbox over IMAP: fetch what is new, hand it on, move it only after its outcome is committed.

What we have seen is keyed on mailbox + UIDVALIDITY + UID (UIDs are reused after a UIDVALIDITY change),
skipped messages included. IDLE says "something happened", not "you saw everything": every wake-up and
every renewal reconciles the folder's UIDs with the register. Nothing is ever deleted: MOVE where the
server offers it, else COPY and a UID EXPUNGE of that one message; never a plain EXPUNGE.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from docgen.errors import RegisterError
from docgen.model import RawMessage
from docgen.register.store import Store
from docgen.sources.config import MailboxConfig, is_loopback

log = logging.getLogger("docgen.imap")
BATCH = 25
FETCH = b"BODY.PEEK[]"  # PEEK: fetching must not mark the message \Seen for the monitors
NETWORK_ERRORS = (IMAPClientError, OSError, socket.timeout, ssl.SSLError, EOFError)


class Mailbox:
    def __init__(self, config: MailboxConfig, store: Store, handle: Callable[[RawMessage], object]):
        """`handle` processes one message and returns its Outcome (with .disposition)."""
        self.config = config
        self.store = store
        self.handle = handle
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.targets: dict[str, str] = {}
        self.failures: dict[int, int] = {}

    # -- connection --------------------------------------------------------------------------

    def connect(self) -> None:
        c = self.config
        if c.security == "none":
            if not c.insecure and not is_loopback(c.host):
                raise ConnectionRefusedError(f"refusing to log in to {c.host} without TLS (set insecure to allow it)")
            log.warning("mailbox %s: logging in to %s WITHOUT TLS: the password and every message travel in "
                        "clear", c.name, c.host)
        client = IMAPClient(c.host, port=c.port, ssl=c.security == "tls", timeout=c.timeout_seconds)
        if c.security == "starttls":
            client.starttls()
        client.login(c.user, c.password())
        client.normalise_times = False  # INTERNALDATE with its zone: the arrival time of record
        self.client = client
        self.targets = self._ensure_folders()
        selected = client.select_folder(c.folder)
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        self.store.set_source_status(c.name, "connected")
        log.info("mailbox %s connected (uidvalidity %d)", c.name, self.uidvalidity)

    def _ensure_folders(self) -> dict[str, str]:
        c, client = self.config, self.client
        listed = client.list_folders(pattern=c.folder)
        delimiter = listed[0][1] if listed else b"/"
        sep = delimiter.decode() if isinstance(delimiter, bytes) else (delimiter or "/")
        targets = {"classified": c.processed or f"{c.folder}{sep}Verwerkt",
                   "triage": c.triage or f"{c.folder}{sep}Triage",
                   "quarantined": c.quarantine or f"{c.folder}{sep}Quarantaine"}
        for folder in targets.values():
            if not client.folder_exists(folder):
                client.create_folder(folder)
        return targets

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.logout()
            except (*NETWORK_ERRORS, ConnectionError):  # the connection may already be gone
                pass
            self.client = None

    # -- work --------------------------------------------------------------------------------

    def sync(self) -> int:
        """Handle every message in the folder not yet handled; finish moves a crash left undone."""
        client, name = self.client, self.config.name
        uids = sorted(client.search(["ALL"]))
        seen = self.store.imap_seen(name, self.uidvalidity)
        unmoved = [uid for uid in uids if uid in seen]
        for uid in unmoved:  # committed before a crash, not yet moved: move now, do not process again
            self._move([uid], seen[uid][0])
        new = [uid for uid in uids if uid not in seen]
        self.store.set_source_status(name, "connected", backlog=len(new))
        handled = 0
        for start in range(0, len(new), BATCH):
            batch = new[start:start + BATCH]
            fetched = client.fetch(batch, [FETCH, b"INTERNALDATE"])
            targets: dict[str, list[int]] = {}
            for uid in batch:
                data = fetched.get(uid, {}).get(b"BODY[]")
                if data is None:
                    continue  # expunged by someone else meanwhile
                disposition = self._handle(uid, data, fetched[uid].get(b"INTERNALDATE"))
                if disposition is None:
                    continue  # failed; tried again at the next sync
                target = self.targets.get(disposition, self.targets["classified"])
                self.store.mark_seen(name, self.uidvalidity, uid, disposition, target)
                targets.setdefault(target, []).append(uid)
                handled += 1
            for target, uids_ in targets.items():  # one MOVE per folder per batch, after every commit
                self._move(uids_, target)
            self.store.set_source_status(name, "connected", backlog=len(new) - start - len(batch), message=True)
        return handled

    def _handle(self, uid: int, data: bytes, arrived=None) -> str | None:
        """Process one message; after three failures it goes to quarantine (Mailman's shunt queue)."""
        try:
            outcome = self.handle(RawMessage(source=self.config.name, key=f"{self.uidvalidity}:{uid}",
                                             name=f"uid-{uid}", data=data,
                                             arrived=arrived if getattr(arrived, "tzinfo", None) else None))
            return outcome.disposition
        except (*NETWORK_ERRORS, RegisterError):
            raise  # the message stays unmoved and unmarked; run_mailbox waits and tries again
        except Exception as exc:  # a bug must not stop the mailbox
            self.failures[uid] = self.failures.get(uid, 0) + 1
            log.error("mailbox %s uid %d outcome=error reason=%s attempt=%d", self.config.name, uid,
                      type(exc).__name__, self.failures[uid], exc_info=True)
            self.store.set_source_status(self.config.name, "connected", error=type(exc).__name__)
            return "quarantined" if self.failures[uid] >= 3 else None

    def _move(self, uids: list[int], target: str) -> None:
        client = self.client
        if client.has_capability("MOVE"):
            client.move(uids, target)
        elif client.has_capability("UIDPLUS"):
            client.copy(uids, target)  # raises on failure: then nothing is flagged or expunged
            client.add_flags(uids, [b"\\Deleted"])
            client.uid_expunge(uids)  # only these UIDs: never a plain EXPUNGE in a shared mailbox
        else:
            client.add_flags(uids, [b"$DocgenDone"])  # no safe way to remove one message: leave it
        self.store.mark_moved(self.config.name, self.uidvalidity, uids)

    def wait(self, stop: threading.Event) -> None:
        """Until the server reports news, the renewal time passes, or we are asked to stop."""
        client, c = self.client, self.config
        if not client.has_capability("IDLE"):
            stop.wait(c.poll_seconds)
            return
        client.idle()
        deadline = time.monotonic() + c.idle_renew_seconds
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                responses = client.idle_check(timeout=1)
                if any(isinstance(r, tuple) and len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    break
                if any(isinstance(r, tuple) and b"BYE" in r for r in responses):
                    raise ConnectionError("server said BYE")
        finally:
            client.idle_done()


def run_mailbox(config: MailboxConfig, store: Store, handle, stop: threading.Event,
                max_backoff: float = 60.0) -> None:
    """Connect, sync, wait; on any network error reconnect with backoff, until `stop` is set."""
    mailbox = Mailbox(config, store, handle)
    backoff = 1.0
    while not stop.is_set():
        try:
            mailbox.connect()
            backoff = 1.0
            while not stop.is_set():
                mailbox.sync()
                mailbox.wait(stop)
        except NETWORK_ERRORS + (ConnectionError, RegisterError) as exc:
            try:
                store.set_source_status(config.name, "reconnecting", error=f"{type(exc).__name__}: {exc}"[:200])
            except RegisterError:
                pass  # the register itself is what failed; the log says so
            if isinstance(exc, RegisterError):
                log.error("mailbox %s: %s; the mail stays, trying again in %.0f s", config.name, exc, backoff)
            else:
                log.warning("mailbox %s: %s; reconnecting in %.0f s", config.name, type(exc).__name__, backoff)
            mailbox.close()
            stop.wait(backoff)
            backoff = min(max_backoff, backoff * 2)
    mailbox.close()
    store.set_source_status(config.name, "stopped")
