"""The register's storage: messages, events per V-nummer, cases to reassess. Recording twice changes nothing.

Exactly once, also with several watchers on one PostgreSQL: a message is keyed by its SHA-256, an event
by (V-nummer, kind, message). Letters and their versions are kept by register/drafts.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docgen.dates import aware
from docgen.errors import RegisterError
from docgen.model import EVENT_TYPES, Classification, Event
from docgen.register.accounts import Accounts
from docgen.register.db import PK, Database
from docgen.register.migrations import MIGRATIONS

# What a key of a message without V-nummer has in common with a case, in the monitor's words.
KEY_WORDS = {"persoon": "dezelfde naam en geboortedatum", "parketnummer": "hetzelfde parketnummer",
             "afzender": "dezelfde afzender (gemachtigde)"}
# Mail from these kinds names the case's lawyer or the person: their address is a key of the case.
LAWYER_KINDS = ("zienswijze", "uitstelverzoek", "voortgezet_verblijf", "bezwaar", "beroep")


@dataclass(frozen=True)
class Recorded:
    message_row: int
    duplicate: bool
    events: tuple[int, ...]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


WORKER = f"{socket.gethostname()}:{os.getpid()}"


def person_key(naam: str | None, geboortedatum: str | None) -> str | None:
    if not naam or not geboortedatum:
        return None
    plain = unicodedata.normalize("NFKD", naam).encode("ascii", "ignore").decode().lower()
    return " ".join(plain.replace("-", " ").split()) + "|" + geboortedatum[:10]


def message_keys(fields: dict, sender: str) -> list[tuple[str, str]]:
    """What a message without a case shares with the case it may belong to."""
    keys = []
    person = person_key(fields.get("naam"), fields.get("geboortedatum"))
    if person:
        keys.append(("persoon", person))
    if fields.get("parketnummer"):
        keys.append(("parketnummer", fields["parketnummer"]))
    if sender:
        keys.append(("afzender", sender.lower()))
    return keys


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
               received: dt.datetime | None, result: Classification | None, quarantine: str | None = None,
               arrived: dt.datetime | None = None, sender: str = "", sender_name: str = "",
               subject: str = "") -> Recorded:
        """Record one message and its events in one transaction; a known message is left as it is.
        `received` is the sender's Date: header; `arrived` when the IND received it (defaults to `received`).
        The cases it touches are marked for reassessment; a message in triage proposes the cases it may
        belong to through its keys (name + date of birth, parketnummer, sender)."""
        status = "quarantined" if quarantine else ("triage" if result and result.triage else "classified")
        arrived = arrived or received
        with self.db.transaction():
            row = self.db.one(
                "INSERT INTO messages (sha256, source, source_key, name, message_id, received, processed_at,"
                " status, type, v_nummers, fields, reasons, triage_reasons, arrived, sent, sender, sender_name,"
                " subject) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sha256) DO NOTHING RETURNING id",
                (digest, source, key, name, message_id, _iso(arrived), now(), status,
                 result.type if result else None, json.dumps(list(result.v_nummers) if result else []),
                 json.dumps(result.fields if result else {}, ensure_ascii=False),
                 json.dumps(list(result.reasons) if result else [], ensure_ascii=False),
                 json.dumps([quarantine] if quarantine else list(result.triage_reasons if result else []),
                            ensure_ascii=False), _iso(arrived), _iso(received), sender[:320], sender_name[:200],
                 subject[:500]))
            if row is None:
                existing = self.db.one("SELECT id FROM messages WHERE sha256 = ?", (digest,))
                return Recorded(existing["id"], True, ())
            message_row = row["id"]
            events: list[int] = []
            if result and status == "classified" and result.type in EVENT_TYPES:
                fields = json.dumps(result.fields, ensure_ascii=False)
                for v in result.v_nummers:
                    event = self.add_event(v, result.type, result.fields.get("datum"), _iso(arrived), message_row,
                                           fields)
                    if event is not None:
                        events.append(event)
            if status != "classified":
                self._add_message_keys(message_row, result.fields if result else {}, sender, result)
            return Recorded(message_row, False, tuple(events))

    def add_event(self, v_nummer: str, kind: str, event_date: str | None, received: str | None,
                  message_row: int, fields: str, recorded_by: str = "") -> int | None:
        """One event of one case; inside the caller's transaction. None when it was already there.
        Its case is marked for reassessment."""
        row = self.db.one("INSERT INTO events (v_nummer, kind, event_date, received, message_row, fields, recorded_by)"
                          " VALUES (?,?,?,?,?,?,?) ON CONFLICT (v_nummer, kind, message_row) DO NOTHING RETURNING id",
                          (v_nummer, kind, _valid_day(event_date), received, message_row, fields, recorded_by))
        self.mark_dirty(v_nummer)
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

    def message(self, row: int):
        return self.db.one("SELECT * FROM messages WHERE id = ?", (row,))

    # -- cases: the reassessment queue, listing, and matching of messages without V-nummer --------

    def mark_dirty(self, v_nummer: str) -> None:
        """Inside the caller's transaction: this case must be reassessed (its letters may change)."""
        self.db.execute("INSERT INTO cases (v_nummer, dirty) VALUES (?, 1) ON CONFLICT (v_nummer) DO UPDATE"
                        " SET dirty = 1", (v_nummer,))

    def marked_by(self, message_row: int, v_nummers) -> list[str]:
        """The cases a just-recorded message marked: its own, and those it may belong to."""
        return [v for v in dict.fromkeys([*v_nummers, *self.suggested_cases(message_row)])
                if self.db.one("SELECT 1 FROM cases WHERE v_nummer = ? AND dirty = 1", (v,))]

    def dirty_cases(self, limit: int = 500) -> list[str]:
        return [r["v_nummer"] for r in self.db.all("SELECT v_nummer FROM cases WHERE dirty = 1 ORDER BY v_nummer"
                                                   " LIMIT ?", (limit,))]

    def wake_due(self, today: dt.date) -> int:
        """Cases that time has changed (a term ended, a deadline passed) are reassessed."""
        with self.db.transaction():
            return self.db.execute("UPDATE cases SET dirty = 1 WHERE dirty = 0 AND next_check IS NOT NULL"
                                   " AND next_check <= ?", (today.isoformat(),)).rowcount

    def save_case(self, summary: dict, keys: list[tuple[str, str]]) -> None:
        """Inside the caller's transaction: the case's listing row and its matching keys."""
        s = summary
        self.db.execute(
            "UPDATE cases SET dirty = 0, next_check = ?, state = ?, naam = ?, geboortedatum = ?, parketnummer = ?,"
            " next_due = ?, next_label = ?, overdue = ?, waiting = ?, attention = ?, steps = ?, updated_at = ?"
            " WHERE v_nummer = ?",
            (s["next_check"], s["state"], s["naam"], s["geboortedatum"], s["parketnummer"], s["next_due"],
             s["next_label"], int(s["overdue"]), int(s["waiting"]), int(s["attention"]), json.dumps(s["steps"]), now(),
             s["v_nummer"]))
        current = {(r["kind"], r["key"]) for r in self.db.all("SELECT kind, key FROM case_keys WHERE v_nummer = ?",
                                                                 (s["v_nummer"],))}
        wanted = set(keys)
        for kind, key in current - wanted:
            self.db.execute("DELETE FROM case_keys WHERE v_nummer = ? AND kind = ? AND key = ?", (s["v_nummer"], kind, key))
        for kind, key in wanted - current:
            self.db.execute("INSERT INTO case_keys (v_nummer, kind, key) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                            (s["v_nummer"], kind, key))

    def cases(self) -> list:
        return self.db.all("SELECT * FROM cases ORDER BY v_nummer")

    def _add_message_keys(self, message_row: int, fields: dict, sender: str, result) -> None:
        keys = message_keys(fields, sender)
        for kind, key in keys:
            self.db.execute("INSERT INTO message_keys (message_row, kind, key) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                            (message_row, kind, key))
        for v in self.suggested_cases(message_row):
            self.mark_dirty(v)  # its intrekking may now have to wait for this message

    def suggested_cases(self, message_row: int) -> list[str]:
        rows = self.db.all("SELECT DISTINCT c.v_nummer FROM message_keys m JOIN case_keys c ON c.kind = m.kind"
                           " AND c.key = m.key WHERE m.message_row = ? ORDER BY c.v_nummer", (message_row,))
        return [r["v_nummer"] for r in rows]

    def suggestions(self, message_row: int) -> list[tuple[str, str]]:
        """(V-nummer, why in Dutch) for a message without a case."""
        rows = self.db.all("SELECT c.v_nummer, m.kind FROM message_keys m JOIN case_keys c ON c.kind = m.kind"
                           " AND c.key = m.key WHERE m.message_row = ? ORDER BY c.v_nummer, m.kind", (message_row,))
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["v_nummer"], []).append(KEY_WORDS.get(r["kind"], r["kind"]))
        return [(v, ", ".join(why)) for v, why in out.items()]

    def triage_waits(self, keys: list[tuple[str, str]]) -> tuple[str, ...]:
        """Messages in triage or quarantine that share one of these keys (a case's, computed from its events
        now, not as last saved: the answer must not depend on the order mail arrived in), in words."""
        if not keys:
            return ()
        found: dict[int, list[str]] = {}
        info = {}
        for kind, key in keys:
            for r in self.db.all("SELECT msg.id, msg.status, msg.type FROM message_keys m JOIN messages msg"
                                 " ON msg.id = m.message_row WHERE m.kind = ? AND m.key = ?"
                                 " AND msg.status IN ('triage', 'quarantined')", (kind, key)):
                found.setdefault(r["id"], []).append(KEY_WORDS.get(kind, kind))
                info[r["id"]] = r
        where = {"quarantined": "quarantaine", "triage": "triage"}
        return tuple(f"bericht {row} ({info[row]['type'] or 'onbekend'}, in {where[info[row]['status']]}) heeft "
                     f"{', '.join(dict.fromkeys(found[row]))} als deze zaak" for row in sorted(found))

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
    """Users (see accounts.py) and a monitor's decisions on messages; letters are reviewed in drafts.py."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db

    def record_decision(self, v_nummer: str, kind: str, day: dt.date, fields: dict, user: str,
                        at: dt.datetime | None = None) -> int:
        """A decision the IND takes itself (on voortgezet verblijf, on a bezwaar) recorded by a person: an
        event of the case like any message's, with who recorded it and when."""
        when = (at or dt.datetime.now(dt.UTC)).isoformat()
        data = json.dumps({"kind": kind, "v": v_nummer, "day": day.isoformat(), **fields}, sort_keys=True)
        digest = sha256(f"hand:{data}".encode())
        with self.db.transaction():
            row = self.db.one(
                "INSERT INTO messages (sha256, source, source_key, name, message_id, received, processed_at, status,"
                " type, v_nummers, fields, reasons, arrived, sender) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sha256) DO NOTHING RETURNING id",
                (digest, "hand", kind, kind, "", when, when, "classified", kind, json.dumps([v_nummer]),
                 json.dumps({"datum": day.isoformat(), **fields}, ensure_ascii=False),
                 json.dumps([f"vastgelegd door {user}"]), when, user))
            if row is None:
                raise RegisterError(f"this {kind} of {day} is already recorded for {v_nummer}")
            self.store.add_event(v_nummer, kind, day.isoformat(), when, row["id"],
                                 json.dumps({"datum": day.isoformat(), **fields}, ensure_ascii=False), recorded_by=user)
            self.db.execute("INSERT INTO audit (at, actor, action, v_nummer, message_row, detail) VALUES (?,?,?,?,?,?)",
                            (when, user, "besluit vastgelegd", v_nummer, row["id"],
                             f"{kind} van {day.isoformat()}" + "".join(f", {k}: {v}" for k, v in fields.items())))
            return row["id"]

    def resolve_message(self, message_row: int, mtype: str, v_nummer: str, user: str,
                        at: dt.datetime | None = None) -> bool:
        """A monitor sets type and V-nummer of a message in triage or quarantine by hand; the message
        becomes an event of its case and processing goes on. Recorded with who and when."""
        store, db = self.store, self.db
        when = (at or dt.datetime.now(dt.UTC)).isoformat()
        with db.transaction():
            row = db.one("SELECT * FROM messages WHERE id = ? AND status IN ('triage', 'quarantined')", (message_row,))
            if row is None:
                return False
            fields = json.loads(row["fields"])
            db.execute("UPDATE messages SET status = 'classified', type = ?, v_nummers = ?, reasons = ?,"
                       " resolved_by = ?, resolved_at = ? WHERE id = ?",
                       (mtype, json.dumps([v_nummer] if v_nummer else []),
                        json.dumps(json.loads(row["reasons"]) + [f"vastgesteld door {user}"]), user, when,
                        message_row))
            for v in store.suggested_cases(message_row):
                store.mark_dirty(v)  # no longer waits for this message
            if mtype in EVENT_TYPES and v_nummer:
                store.add_event(v_nummer, mtype, fields.get("datum"), row["arrived"] or row["received"], message_row,
                                row["fields"], recorded_by=user)
            db.execute("INSERT INTO audit (at, actor, action, v_nummer, message_row, detail) VALUES (?,?,?,?,?,?)",
                       (when, user, "bericht vastgesteld", v_nummer or "", message_row,
                        f"{row['status']} → {mtype}" + (f" voor {v_nummer}" if v_nummer else "")))
            return True


def _event(row) -> Event:
    received = aware(dt.datetime.fromisoformat(row["received"])) if row["received"] else None
    return Event(row["id"], row["v_nummer"], row["kind"], _day(row["event_date"]), received, row["message_row"],
                 json.loads(row["fields"]))


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _valid_day(value: str | None) -> str | None:
    day = _day(value)
    return day.isoformat() if day else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
