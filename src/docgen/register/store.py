"""SQLite store of the register. Recording the same message twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from docgen.model import CASE_TYPES, Classification
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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, sql.split(";")):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, _now()))
                self.db.execute("COMMIT")
            except Exception:
                self.db.execute("ROLLBACK")
                raise

    def known(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM messages WHERE sha256 = ?", (digest,)).fetchone() is not None

    def record(self, *, digest: str, source: str, key: str, name: str, message_id: str,
               received: dt.datetime | None, result: Classification | None,
               quarantine: str | None = None) -> Recorded:
        """Record one message and its events in one transaction; a known message is left as it is."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT id FROM messages WHERE sha256 = ?", (digest,)).fetchone()
            if row:
                self.db.execute("COMMIT")
                return Recorded(row[0], True, ())
            status = "quarantined" if quarantine else ("triage" if result and result.triage else "classified")
            cur = self.db.execute(
                "INSERT INTO messages (sha256, source, source_key, name, message_id, received, processed_at,"
                " status, type, v_nummers, fields, reasons, triage_reasons) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (digest, source, key, name, message_id, received.isoformat() if received else None, _now(), status,
                 result.type if result else None, json.dumps(list(result.v_nummers) if result else []),
                 json.dumps(result.fields if result else {}), json.dumps(list(result.reasons) if result else []),
                 json.dumps([quarantine] if quarantine else list(result.triage_reasons if result else []))),
            )
            message_row = cur.lastrowid
            events: list[int] = []
            if result and status == "classified" and result.type in CASE_TYPES:
                for v in result.v_nummers:
                    cur = self.db.execute(
                        "INSERT INTO events (v_nummer, kind, event_date, received, message_id, fields)"
                        " VALUES (?,?,?,?,?,?)",
                        (v, result.type, result.fields.get("datum"), received.isoformat() if received else None,
                         message_row, json.dumps(result.fields, ensure_ascii=False)),
                    )
                    events.append(cur.lastrowid)
            self.db.execute("COMMIT")
            return Recorded(message_row, False, tuple(events))
        except Exception:
            self.db.execute("ROLLBACK")
            raise

    def events(self, v_nummer: str) -> list[Event]:
        rows = self.db.execute(
            "SELECT * FROM events WHERE v_nummer = ? ORDER BY COALESCE(event_date, received), id", (v_nummer,))
        return [_event(r) for r in rows]

    def events_without_draft(self, kind: str, letter: str) -> list[Event]:
        rows = self.db.execute(
            "SELECT e.* FROM events e WHERE e.kind = ? AND NOT EXISTS"
            " (SELECT 1 FROM drafts d WHERE d.trigger_event = e.id AND d.letter = ?) ORDER BY e.id",
            (kind, letter))
        return [_event(r) for r in rows]

    def add_draft(self, v_nummer: str, letter: str, trigger_event: int, docx: str, pdf: str) -> bool:
        cur = self.db.execute(
            "INSERT OR IGNORE INTO drafts (v_nummer, letter, trigger_event, docx_path, pdf_path, created_at)"
            " VALUES (?,?,?,?,?,?)", (v_nummer, letter, trigger_event, docx, pdf, _now()))
        return cur.rowcount == 1

    def drafts(self, v_nummer: str | None = None) -> list[sqlite3.Row]:
        if v_nummer:
            return list(self.db.execute("SELECT * FROM drafts WHERE v_nummer = ? ORDER BY id", (v_nummer,)))
        return list(self.db.execute("SELECT * FROM drafts ORDER BY id"))

    def count_drafts(self, v_nummer: str, letter: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM drafts WHERE v_nummer = ? AND letter = ?",
                               (v_nummer, letter)).fetchone()[0]

    def messages(self, status: str | None = None) -> list[sqlite3.Row]:
        if status:
            return list(self.db.execute("SELECT * FROM messages WHERE status = ? ORDER BY id", (status,)))
        return list(self.db.execute("SELECT * FROM messages ORDER BY id"))


def _event(row: sqlite3.Row) -> Event:
    return Event(row["id"], row["v_nummer"], row["kind"], row["event_date"], row["received"],
                 row["message_id"], json.loads(row["fields"]))
