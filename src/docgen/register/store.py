"""The register's storage: messages, events per V-nummer, drafts. Recording a message twice changes nothing.

Exactly once, also with several watchers on one PostgreSQL: a message is keyed by its SHA-256, an
event by (V-nummer, kind, message), a draft by (letter, trigger event). A draft is claimed before it
is rendered; a claim whose worker died is taken over after `stale_seconds`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from docgen.model import CASE_TYPES, Classification
from docgen.register.accounts import Accounts
from docgen.register.db import PK, Database
from docgen.register.migrations import MIGRATIONS


@dataclass(frozen=True)
class Event:
    id: int
    v_nummer: str
    kind: str
    event_date: str | None
    received: str | None
    message_id: int
    fields: dict


@dataclass(frozen=True)
class Recorded:
    message_row: int
    duplicate: bool
    events: tuple[int, ...]


@dataclass(frozen=True)
class Claim:
    draft_id: int
    sequence: int  # 1 for the first draft of this letter for the case, 2 for the next, ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


WORKER = f"{socket.gethostname()}:{os.getpid()}"


class Store:
    def __init__(self, url: str | Path):
        self.db = Database(url)
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        db = self.db
        if db.dialect == "postgres":
            db.execute("SELECT pg_advisory_lock(48301)")  # several watchers may start at once
        try:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row["name"] for row in db.all("SELECT name FROM schema_migrations")}
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                with db.transaction():
                    # Another process may have applied it since we looked: look again under the write lock.
                    if db.one("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)):
                        continue
                    for statement in filter(str.strip, sql.replace("{pk}", PK[db.dialect]).split(";")):
                        db.execute(statement)
                    db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now()))
        finally:
            if db.dialect == "postgres":
                db.execute("SELECT pg_advisory_unlock(48301)")

    # -- messages and events ------------------------------------------------------------------

    def known(self, digest: str) -> str | None:
        """The recorded status of a message (classified, triage, quarantined), or None when new."""
        row = self.db.one("SELECT status FROM messages WHERE sha256 = ?", (digest,))
        return row["status"] if row else None

    def record(self, *, digest: str, source: str, key: str, name: str, message_id: str,
               received: dt.datetime | None, result: Classification | None,
               quarantine: str | None = None) -> Recorded:
        """Record one message and its events in one transaction; a known message is left as it is."""
        status = "quarantined" if quarantine else ("triage" if result and result.triage else "classified")
        with self.db.transaction():
            row = self.db.one(
                "INSERT INTO messages (sha256, source, source_key, name, message_id, received, processed_at,"
                " status, type, v_nummers, fields, reasons, triage_reasons) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sha256) DO NOTHING RETURNING id",
                (digest, source, key, name, message_id, received.isoformat() if received else None, now(), status,
                 result.type if result else None, json.dumps(list(result.v_nummers) if result else []),
                 json.dumps(result.fields if result else {}, ensure_ascii=False),
                 json.dumps(list(result.reasons) if result else [], ensure_ascii=False),
                 json.dumps([quarantine] if quarantine else list(result.triage_reasons if result else []),
                            ensure_ascii=False)))
            if row is None:
                existing = self.db.one("SELECT id FROM messages WHERE sha256 = ?", (digest,))
                return Recorded(existing["id"], True, ())
            message_row = row["id"]
            events: list[int] = []
            if result and status == "classified" and result.type in CASE_TYPES:
                for v in result.v_nummers:
                    events.append(self.add_event(v, result.type, result.fields.get("datum"),
                                                 received.isoformat() if received else None, message_row,
                                                 json.dumps(result.fields, ensure_ascii=False)))
            return Recorded(message_row, False, tuple(events))

    def add_event(self, v_nummer: str, kind: str, event_date: str | None, received: str | None,
                  message_row: int, fields: str) -> int | None:
        """One event of one case; inside the caller's transaction. None when it was already there."""
        row = self.db.one("INSERT INTO events (v_nummer, kind, event_date, received, message_id, fields)"
                          " VALUES (?,?,?,?,?,?) ON CONFLICT (v_nummer, kind, message_id) DO NOTHING RETURNING id",
                          (v_nummer, kind, event_date, received, message_row, fields))
        return row["id"] if row else None

    def events(self, v_nummer: str) -> list[Event]:
        rows = self.db.all("SELECT * FROM events WHERE v_nummer = ? ORDER BY COALESCE(event_date, received), id",
                           (v_nummer,))
        return [_event(r) for r in rows]

    def all_events(self) -> dict[str, list[Event]]:
        cases: dict[str, list[Event]] = {}
        for row in self.db.all("SELECT * FROM events ORDER BY v_nummer, COALESCE(event_date, received), id"):
            cases.setdefault(row["v_nummer"], []).append(_event(row))
        return cases

    def messages(self, status: str | None = None) -> list:
        if status:
            return self.db.all("SELECT * FROM messages WHERE status = ? ORDER BY id", (status,))
        return self.db.all("SELECT * FROM messages ORDER BY id")

    # -- drafts -------------------------------------------------------------------------------

    def events_without_draft(self, kind: str, letter: str) -> list[Event]:
        rows = self.db.all(
            "SELECT e.* FROM events e WHERE e.kind = ? AND NOT EXISTS"
            " (SELECT 1 FROM drafts d WHERE d.trigger_event = e.id AND d.letter = ? AND d.status = 'draft')"
            " ORDER BY e.id", (kind, letter))
        return [_event(r) for r in rows]

    def claim_draft(self, v_nummer: str, letter: str, trigger_event: int, stale_seconds: float = 300) -> Claim | None:
        """Claim the right to render one draft. None when it exists or another live worker renders it."""
        with self.db.transaction():
            row = self.db.one(
                "INSERT INTO drafts (v_nummer, letter, trigger_event, status, claimed_by, claimed_at)"
                " VALUES (?,?,?,'rendering',?,?) ON CONFLICT (letter, trigger_event) DO NOTHING RETURNING id",
                (v_nummer, letter, trigger_event, WORKER, now()))
            if row is None:
                cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=stale_seconds)).isoformat()
                row = self.db.one(
                    "SELECT id, claimed_by, claimed_at FROM drafts WHERE letter = ? AND trigger_event = ?"
                    " AND status = 'rendering'" + self.db.skip_locked, (letter, trigger_event))
                if row is None or not (row["claimed_at"] < cutoff or _dead_here(row["claimed_by"])):
                    return None
                self.db.execute("UPDATE drafts SET claimed_by = ?, claimed_at = ? WHERE id = ?",
                                (WORKER, now(), row["id"]))
            sequence = self.db.scalar("SELECT COUNT(*) FROM drafts WHERE v_nummer = ? AND letter = ? AND id <= ?",
                                      (v_nummer, letter, row["id"]))
            return Claim(row["id"], int(sequence))

    def finish_draft(self, draft_id: int, docx: str, pdf: str) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE drafts SET status = 'draft', docx_path = ?, pdf_path = ?, created_at = ?"
                            " WHERE id = ?", (docx, pdf, now(), draft_id))

    def release_draft(self, draft_id: int) -> None:
        """Give a claim back after a failed render, so the next pass tries again."""
        with self.db.transaction():
            self.db.execute("DELETE FROM drafts WHERE id = ? AND status = 'rendering'", (draft_id,))

    def drafted_days(self) -> dict[str, dict[int, dt.date]]:
        """Letter → trigger event → the day that letter was drafted."""
        out: dict[str, dict[int, dt.date]] = {}
        for row in self.db.all("SELECT letter, trigger_event, created_at FROM drafts WHERE status = 'draft'"):
            out.setdefault(row["letter"], {})[row["trigger_event"]] = dt.date.fromisoformat(row["created_at"][:10])
        return out

    def drafts(self, v_nummer: str | None = None) -> list:
        if v_nummer:
            return self.db.all("SELECT * FROM drafts WHERE v_nummer = ? AND status = 'draft' ORDER BY id", (v_nummer,))
        return self.db.all("SELECT * FROM drafts WHERE status = 'draft' ORDER BY id")


    # -- IMAP bookkeeping and source status ---------------------------------------------------

    def imap_seen(self, mailbox: str, uidvalidity: int) -> dict[int, tuple[str, bool]]:
        """UID → (target folder, moved?) for every UID of this mailbox generation already handled."""
        rows = self.db.all("SELECT uid, target, moved FROM imap_seen WHERE mailbox = ? AND uidvalidity = ?",
                           (mailbox, uidvalidity))
        return {int(r["uid"]): (r["target"], bool(r["moved"])) for r in rows}

    def mark_seen(self, mailbox: str, uidvalidity: int, uid: int, outcome: str, target: str) -> None:
        with self.db.transaction():
            self.db.execute("INSERT INTO imap_seen (mailbox, uidvalidity, uid, outcome, target, seen_at)"
                            " VALUES (?,?,?,?,?,?) ON CONFLICT (mailbox, uidvalidity, uid) DO NOTHING",
                            (mailbox, uidvalidity, uid, outcome, target, now()))

    def mark_moved(self, mailbox: str, uidvalidity: int, uids: list[int]) -> None:
        with self.db.transaction():
            for uid in uids:
                self.db.execute("UPDATE imap_seen SET moved = 1 WHERE mailbox = ? AND uidvalidity = ? AND uid = ?",
                                (mailbox, uidvalidity, uid))

    def set_source_status(self, name: str, state: str, *, backlog: int | None = None, message: bool = False,
                          error: str | None = None) -> None:
        with self.db.transaction():
            self.db.execute("INSERT INTO source_status (name, state, updated_at) VALUES (?,?,?)"
                            " ON CONFLICT (name) DO NOTHING", (name, state, now()))
            self.db.execute("UPDATE source_status SET state = ?, updated_at = ? WHERE name = ?", (state, now(), name))
            if backlog is not None:
                self.db.execute("UPDATE source_status SET backlog = ? WHERE name = ?", (backlog, name))
            if message:
                self.db.execute("UPDATE source_status SET last_message_at = ? WHERE name = ?", (now(), name))
            if error is not None:
                self.db.execute("UPDATE source_status SET errors = errors + 1, last_error = ? WHERE name = ?",
                                (error[:300], name))

    def source_status(self) -> list:
        return self.db.all("SELECT * FROM source_status ORDER BY name")


class Reviews(Accounts):
    """Users (see accounts.py) and the four-eyes review of drafts: a behandelaar approves, a contactpersoon co-signs."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db

    def draft(self, draft_id: int):
        return self.db.one("SELECT * FROM drafts WHERE id = ? AND status = 'draft'", (draft_id,))

    def approve(self, draft_id: int, user: str) -> bool:
        with self.db.transaction():
            return self.db.execute("UPDATE drafts SET review = 'approved', approved_by = ? WHERE id = ?"
                                   " AND status = 'draft' AND review = 'open'", (user, draft_id)).rowcount == 1

    def cosign(self, draft_id: int, user: str) -> bool:
        """Visie vooraf: a second person makes an approved draft final; final letters never change."""
        with self.db.transaction():
            return self.db.execute("UPDATE drafts SET review = 'final', cosigned_by = ? WHERE id = ?"
                                   " AND review = 'approved' AND approved_by <> ?", (user, draft_id, user)).rowcount == 1

    def corrected(self, draft_id: int, user: str) -> bool:
        """A corrected DOCX replaces the draft; an approval of the old text no longer counts."""
        with self.db.transaction():
            return self.db.execute("UPDATE drafts SET version = version + 1, corrected_by = ?, review = 'open',"
                                   " approved_by = '' WHERE id = ? AND review <> 'final'", (user, draft_id)).rowcount == 1

    def resolve_triage(self, message_row: int, mtype: str, v_nummer: str, user: str) -> bool:
        """A monitor sets type and V-nummer by hand; the message becomes an event and processing goes on."""
        with self.db.transaction():
            row = self.db.one("SELECT * FROM messages WHERE id = ? AND status = 'triage'", (message_row,))
            if row is None:
                return False
            fields = json.loads(row["fields"])
            self.db.execute("UPDATE messages SET status = 'classified', type = ?, v_nummers = ?, reasons = ?"
                            " WHERE id = ?", (mtype, json.dumps([v_nummer] if v_nummer else []),
                                              json.dumps(json.loads(row["reasons"]) + [f"set by monitor {user}"]),
                                              message_row))
            if mtype in CASE_TYPES and v_nummer:
                self.store.add_event(v_nummer, mtype, fields.get("datum") or (row["received"] or "")[:10] or None,
                                     row["received"], message_row, row["fields"])
            return True


def _dead_here(worker: str) -> bool:
    """A claim by a process of this host that no longer runs (killed mid-render) can be taken at once."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _event(row) -> Event:
    return Event(row["id"], row["v_nummer"], row["kind"], row["event_date"], row["received"],
                 row["message_id"], json.loads(row["fields"]))
