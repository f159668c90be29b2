"""Letters and their versions in the register: drafts follow the case, final letters never change.

A letter is one slot of a case (which letter, for which event); each text it ever had is a version,
numbered 1, 2, ... and never overwritten. Every change is a compare-and-set on the latest version inside
a transaction (a row lock on PostgreSQL, the write lock on SQLite), so two uploads, or an upload and a
co-sign, can never both win. Approval and co-signature name the version and the SHA-256 of its DOCX.

Version status: wordt gemaakt → concept → goedgekeurd → definitief; or vervangen / vervallen.
Letter state: the latest version's status, or achterhaald (final, but the case now says otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from dataclasses import dataclass

from docgen.dates import aware
from docgen.register.store import WORKER, Store, now

PENDING, CONCEPT, APPROVED, FINAL = "wordt gemaakt", "concept", "goedgekeurd", "definitief"
SUPERSEDED, LAPSED, OUTDATED = "vervangen", "vervallen", "achterhaald"
OPEN = (PENDING, CONCEPT, APPROVED)
FACT_WORDS = {
    "naam": "naam", "geboortedatum": "geboortedatum", "nationaliteit": "nationaliteit", "geadresseerde": "geadresseerde",
    "afschrift": "afschrift", "zienswijzen": "zienswijzen", "zienswijze": "zienswijze", "motivering": "motivering",
    "open_punten": "open punten", "te_laat": "late zienswijze", "termijn_einde": "einde termijn",
    "sepot_datum": "datum sepot", "parketnummer": "parketnummer", "uitreiking_datum": "datum uitreiking",
    "ingangsdatum": "ingangsdatum", "einddatum": "einddatum", "een_dag": "vergunning voor één dag",
    "vv_status": "voortgezet verblijf", "nieuwe_einddatum": "nieuwe einddatum", "uitkomst": "uitkomst",
    "besluit_datum": "datum besluit", "eenheid": "politie-eenheid", "medisch": "medische omstandigheden",
}


@dataclass(frozen=True)
class Version:
    id: int
    letter_id: int
    number: int
    origin: str          # gemaakt (by docgen) | correctie (uploaded) | goedkeuring (docgen, with the approver)
    status: str
    facts_hash: str
    facts: dict
    letter_date: dt.date | None
    docx_path: str       # relative to the data directory
    pdf_path: str
    docx_sha256: str
    open_points: tuple[str, ...]
    created_by: str
    created_at: str
    approved_by: str
    approved_at: str | None
    cosigned_by: str
    cosigned_at: str | None
    reason: str


@dataclass(frozen=True)
class Letter:
    id: int
    v_nummer: str
    slot: str
    kind: str
    trigger_event: int
    sequence: int
    state: str
    reason: str
    first_drafted_at: str | None
    final_at: str | None
    final_date: str | None
    versions: tuple[Version, ...]

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def final_version(self) -> Version | None:
        return next((v for v in self.versions if v.status == FINAL), None)


@dataclass(frozen=True)
class Claim:
    version_id: int
    letter: Letter
    version: Version


class Refused(Exception):
    """A review action that the letter's current state does not allow; `reason` is Dutch, for the page."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class Drafts:
    def __init__(self, store: Store):
        self.store = store
        self.db = store.db

    # -- reading ------------------------------------------------------------------------------

    def letters(self, v_nummer: str) -> list[Letter]:
        rows = self.db.all("SELECT * FROM letters WHERE v_nummer = ? ORDER BY id", (v_nummer,))
        return self._with_versions(rows)

    def letter(self, letter_id: int) -> Letter | None:
        found = self._with_versions(self.db.all("SELECT * FROM letters WHERE id = ?", (letter_id,)))
        return found[0] if found else None

    def version(self, version_id: int) -> tuple[Letter, Version] | None:
        row = self.db.one("SELECT letter_id FROM versions WHERE id = ?", (version_id,))
        letter = self.letter(row["letter_id"]) if row else None
        if letter is None:
            return None
        return letter, next(v for v in letter.versions if v.id == version_id)

    def require(self, version_id: int) -> tuple[Letter, Version]:
        found = self.version(version_id)
        if found is None:
            raise Refused("Deze versie bestaat niet.")
        return found

    def _with_versions(self, rows) -> list[Letter]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        versions: dict[int, list[Version]] = {}
        for v in self.db.all(f"SELECT * FROM versions WHERE letter_id IN ({marks}) ORDER BY letter_id, number", ids):
            versions.setdefault(v["letter_id"], []).append(_version(v))
        return [Letter(r["id"], r["v_nummer"], r["slot"], r["kind"], r["trigger_event"], r["sequence"], r["state"],
                       r["reason"], r["first_drafted_at"], r["final_at"], r["final_date"],
                       tuple(versions.get(r["id"], []))) for r in rows]

    def finals(self, v_nummer: str | None = None) -> dict[str, dt.datetime]:
        """Slot → when that letter became final (kept when it is achterhaald: it was sent)."""
        sql = "SELECT slot, final_at FROM letters WHERE final_at IS NOT NULL"
        rows = self.db.all(sql + " AND v_nummer = ?", (v_nummer,)) if v_nummer else self.db.all(sql)
        return {r["slot"]: aware(dt.datetime.fromisoformat(r["final_at"])) for r in rows}

    def finals_by_case(self) -> dict[str, dict[str, dt.datetime]]:
        out: dict[str, dict[str, dt.datetime]] = {}
        for r in self.db.all("SELECT v_nummer, slot, final_at FROM letters WHERE final_at IS NOT NULL"):
            out.setdefault(r["v_nummer"], {})[r["slot"]] = aware(dt.datetime.fromisoformat(r["final_at"]))
        return out

    def final_dates(self, v_nummer: str) -> dict[str, dt.date]:
        rows = self.db.all("SELECT slot, final_date FROM letters WHERE final_date IS NOT NULL AND v_nummer = ?",
                           (v_nummer,))
        return {r["slot"]: dt.date.fromisoformat(r["final_date"]) for r in rows}

    def all_letters(self) -> list:
        return self.db.all("SELECT * FROM letters ORDER BY v_nummer, id")

    def by_state(self, *states: str) -> list:
        marks = ",".join("?" * len(states))
        return self.db.all(f"SELECT * FROM letters WHERE state IN ({marks}) ORDER BY updated_at", states)

    def pending(self) -> list[int]:
        return [r["id"] for r in self.db.all("SELECT id FROM versions WHERE status = ? ORDER BY id", (PENDING,))]

    def audit(self, v_nummer: str) -> list:
        return self.db.all("SELECT * FROM audit WHERE v_nummer = ? ORDER BY id", (v_nummer,))

    # -- following the case -------------------------------------------------------------------

    def sync(self, v_nummer: str, needs, why_not: str, at: dt.datetime,
             reasons: dict[str, str] | None = None) -> list[int]:
        """Inside the caller's transaction: make the case's letters what `needs` says. Returns the
        versions to render. A final letter is never touched: it becomes achterhaald, with the reason.
        `reasons` gives a letter (by slot) its own reason to lapse instead of the case's `why_not`."""
        when = at.isoformat()
        letters = {letter.slot: letter for letter in self.letters(v_nummer)}
        to_render: list[int] = []
        for need in needs:
            letter = letters.pop(need.slot, None)
            if letter is None:
                to_render.append(self._new_letter(v_nummer, need, when))
                continue
            final = letter.final_version
            if final is not None:
                self._final_follows(letter, final, need.hash, need.facts, when)
                continue
            latest = letter.latest
            if latest is not None and latest.facts_hash == need.hash and latest.status in OPEN:
                continue
            if latest is not None and latest.status == PENDING:  # never shown to anyone: it just follows
                self.db.execute("UPDATE versions SET facts_hash = ?, facts = ?, claimed_by = '' WHERE id = ?",
                                (need.hash, json.dumps(need.facts, ensure_ascii=False, default=str), latest.id))
                to_render.append(latest.id)
                continue
            reason = _changes(latest.facts if latest else {}, need.facts) if latest and latest.status in OPEN \
                else "opnieuw nodig volgens de zaak"
            to_render.append(self._new_version(letter, need, reason, when))
        for letter in letters.values():  # no longer needed
            why = (reasons or {}).get(letter.slot, why_not)
            if letter.final_version is not None:
                if letter.state != OUTDATED:
                    self._set_state(letter.id, OUTDATED, f"niet meer nodig: {why}", when)
                    self._audit(when, "docgen", "achterhaald", letter, None, f"niet meer nodig: {why}")
            elif all(v.status == PENDING for v in letter.versions):  # never drafted: as if it never was
                self.db.execute("DELETE FROM versions WHERE letter_id = ?", (letter.id,))
                self.db.execute("DELETE FROM audit WHERE letter_id = ?", (letter.id,))
                self.db.execute("DELETE FROM letters WHERE id = ?", (letter.id,))
            elif letter.state != LAPSED:
                self.db.execute("UPDATE versions SET status = ?, reason = ? WHERE letter_id = ? AND status IN (?,?,?)",
                                (LAPSED, why, letter.id, *OPEN))
                self._set_state(letter.id, LAPSED, why, when)
                self._audit(when, "docgen", "vervallen", letter, None, why)
        return to_render

    def _final_follows(self, letter: Letter, final: Version, new_hash: str, facts: dict, when: str) -> None:
        if not final.facts_hash:
            return  # final before docgen kept facts: nothing to compare with
        if final.facts_hash != new_hash and letter.state != OUTDATED:
            reason = _changes(final.facts, facts)
            self._set_state(letter.id, OUTDATED, reason, when)
            self._audit(when, "docgen", "achterhaald", letter, final.number, reason)
        elif final.facts_hash == new_hash and letter.state == OUTDATED:
            self._set_state(letter.id, FINAL, "", when)

    def _new_letter(self, v_nummer: str, need, when: str) -> int:
        sequence = need.sequence
        taken = {r["sequence"] for r in self.db.all("SELECT sequence FROM letters WHERE v_nummer = ? AND kind = ?",
                                                     (v_nummer, need.letter.name))}
        while sequence in taken:
            sequence += 1
        row = self.db.one("INSERT INTO letters (v_nummer, slot, kind, trigger_event, sequence, state, updated_at)"
                          " VALUES (?,?,?,?,?,?,?) RETURNING id",
                          (v_nummer, need.slot, need.letter.name, need.trigger.id, sequence, PENDING, when))
        letter = Letter(row["id"], v_nummer, need.slot, need.letter.name, need.trigger.id, sequence, PENDING, "",
                        None, None, None, ())
        return self._new_version(letter, need, "", when)

    def _new_version(self, letter: Letter, need, reason: str, when: str) -> int:
        if reason:
            self.db.execute("UPDATE versions SET status = ?, reason = ? WHERE letter_id = ? AND status IN (?,?,?)",
                            (SUPERSEDED, reason, letter.id, *OPEN))
        number = (letter.latest.number if letter.latest else 0) + 1
        row = self.db.one("INSERT INTO versions (letter_id, number, origin, status, facts_hash, facts, created_by,"
                          " created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                          (letter.id, number, "gemaakt", PENDING, need.hash,
                           json.dumps(need.facts, ensure_ascii=False, default=str), "docgen", when))
        self._set_state(letter.id, PENDING, reason, when)
        self._audit(when, "docgen", "nieuwe versie" if reason else "concept", letter, number, reason)
        return row["id"]

    def _set_state(self, letter_id: int, state: str, reason: str, when: str) -> None:
        self.db.execute("UPDATE letters SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
                        (state, reason, when, letter_id))

    def _audit(self, when: str, actor: str, action: str, letter: Letter, number: int | None, detail: str) -> None:
        self.db.execute("INSERT INTO audit (at, actor, action, v_nummer, letter_id, version, detail)"
                        " VALUES (?,?,?,?,?,?,?)", (when, actor, action, letter.v_nummer, letter.id, number, detail))

    # -- rendering ----------------------------------------------------------------------------

    def claim(self, version_id: int, stale_seconds: float = 300) -> Claim | None:
        """The right to render one pending version; None when done, or a live worker renders it."""
        with self.db.transaction():
            row = self.db.one("SELECT id, claimed_by, claimed_at FROM versions WHERE id = ? AND status = ?"
                              + self.db.skip_locked, (version_id, PENDING))
            if row is None:
                return None
            if row["claimed_by"]:
                cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=stale_seconds)).isoformat()
                if not (row["claimed_at"] < cutoff or _dead_here(row["claimed_by"])):
                    return None
            self.db.execute("UPDATE versions SET claimed_by = ?, claimed_at = ? WHERE id = ?",
                            (WORKER, now(), version_id))
        letter, version = self.version(version_id)
        return Claim(version_id, letter, version)

    def finish(self, claim: Claim, docx: str, pdf: str, digest: str, letter_date: dt.date,
               open_points: list[str]) -> bool:
        """The rendered files of a claimed version; False when the case moved on meanwhile."""
        at = now()
        with self.db.transaction():
            done = self.db.execute(
                "UPDATE versions SET status = ?, docx_path = ?, pdf_path = ?, docx_sha256 = ?, letter_date = ?,"
                " open_points = ? WHERE id = ? AND status = ? AND claimed_by = ? AND facts_hash = ?",
                (CONCEPT, docx, pdf, digest, letter_date.isoformat(), json.dumps(open_points, ensure_ascii=False),
                 claim.version_id, PENDING, WORKER, claim.version.facts_hash)).rowcount == 1
            if done:
                self.db.execute("UPDATE letters SET state = ?, updated_at = ?, first_drafted_at ="
                                " COALESCE(first_drafted_at, ?) WHERE id = ?", (CONCEPT, at, at, claim.letter.id))
            return done

    def release(self, claim: Claim) -> None:
        """Give a claim back after a failed render, so the next pass tries again."""
        with self.db.transaction():
            self.db.execute("UPDATE versions SET claimed_by = '' WHERE id = ? AND status = ? AND claimed_by = ?",
                            (claim.version_id, PENDING, WORKER))

    # -- review: approve, co-sign, correct ----------------------------------------------------

    def _current(self, version_id: int, lock: bool = True) -> tuple[Letter, Version]:
        letter, version = self.require(version_id)
        if lock and self.db.dialect == "postgres":
            self.db.execute("SELECT id FROM letters WHERE id = ? FOR UPDATE", (letter.id,))
            letter, version = self.version(version_id)
        if version.number != letter.latest.number:
            raise Refused(f"Er is een nieuwere versie (versie {letter.latest.number}); open en beoordeel die.")
        if letter.state in (FINAL, OUTDATED):
            raise Refused("Deze brief is definitief en kan niet meer veranderen.")
        return letter, version

    def approve(self, version_id: int, user: str, digest: str, at: dt.datetime) -> Version:
        """Approve exactly the version (and DOCX hash) the behandelaar read."""
        with self.db.transaction():
            letter, version = self._current(version_id)
            if version.status != CONCEPT:
                raise Refused(f"Alleen een concept kan worden goedgekeurd; deze versie is {version.status}.")
            if digest != version.docx_sha256:
                raise Refused("De versie die u goedkeurt is niet de versie die u heeft geopend.")
            self.db.execute("UPDATE versions SET status = ?, approved_by = ?, approved_at = ? WHERE id = ?"
                            " AND status = ?", (APPROVED, user, at.isoformat(), version_id, CONCEPT))
            self._set_state(letter.id, APPROVED, "", at.isoformat())
            self._audit(at.isoformat(), user, "goedgekeurd", letter, version.number, "")
        return self.version(version_id)[1]

    def add_version(self, letter_id: int, expected: int, origin: str, user: str, place, digest: str,
                    letter_date: dt.date | None, open_points: list[str], at: dt.datetime, approved: bool,
                    reason: str) -> Version:
        """A corrected upload, or docgen's re-render with the approver's name: version expected+1, only
        when `expected` is still the latest and the letter is not final. `place(number)` writes the files
        (exclusively) while the lock is held and returns their paths relative to the data directory."""
        with self.db.transaction():
            letter = self.letter(letter_id)
            if letter is None:
                raise Refused("Deze brief bestaat niet.")
            letter, latest = self._current(letter.latest.id)
            if latest.number != expected:
                raise Refused(f"Er is intussen een nieuwere versie (versie {latest.number}); uw wijziging is niet "
                              "opgeslagen.")
            if latest.status not in (CONCEPT, APPROVED):
                raise Refused(f"Deze versie kan niet worden vervangen; zij is {latest.status}.")
            docx, pdf = place(expected + 1)
            when = at.isoformat()
            self.db.execute("UPDATE versions SET status = ?, reason = ? WHERE letter_id = ? AND status IN (?,?,?)",
                            (SUPERSEDED, reason, letter.id, *OPEN))
            status = APPROVED if approved else CONCEPT
            row = self.db.one(
                "INSERT INTO versions (letter_id, number, origin, status, facts_hash, facts, letter_date, docx_path,"
                " pdf_path, docx_sha256, open_points, created_by, created_at, approved_by, approved_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (letter.id, expected + 1, origin, status, latest.facts_hash, json.dumps(latest.facts, ensure_ascii=False),
                 (letter_date or latest.letter_date or at.date()).isoformat(), docx, pdf, digest,
                 json.dumps(open_points, ensure_ascii=False), user, when, user if approved else "",
                 when if approved else None))
            self._set_state(letter.id, status, "", when)
            self._audit(when, user, "goedgekeurd" if approved else "correctie geüpload", letter, expected + 1, reason)
        return self.version(row["id"])[1]

    def cosign(self, version_id: int, user: str, digest: str, at: dt.datetime) -> tuple[Letter, Version]:
        """Visie vooraf: a second person makes exactly the approved version they read final."""
        with self.db.transaction():
            letter, version = self._current(version_id)
            if version.status != APPROVED:
                raise Refused("Alleen een goedgekeurde versie kan worden medeondertekend.")
            if version.approved_by == user:
                raise Refused("Medeondertekenen doet een ander dan wie goedkeurde.")
            if digest != version.docx_sha256:
                raise Refused("De versie die u medeondertekent is niet de versie die u heeft geopend.")
            when = at.isoformat()
            self.db.execute("UPDATE versions SET status = ?, cosigned_by = ?, cosigned_at = ? WHERE id = ? AND"
                            " status = ?", (FINAL, user, when, version_id, APPROVED))
            self.db.execute("UPDATE letters SET state = ?, reason = '', final_at = ?, final_date = ?, updated_at = ?"
                            " WHERE id = ?", (FINAL, when, (version.letter_date or at.date()).isoformat(), when,
                                              letter.id))
            self._audit(when, user, "medeondertekend: definitief", letter, version.number, "")
            self.store.mark_dirty(letter.v_nummer)  # what follows a final letter (kennisgevingen, deadlines)
        return self.version(version_id)


def _changes(old: dict, new: dict) -> str:
    changed = [FACT_WORDS.get(k, k) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return "gewijzigd: " + ", ".join(changed) if changed else "gewijzigd"


def _version(row) -> Version:
    day = dt.date.fromisoformat(row["letter_date"]) if row["letter_date"] else None
    return Version(row["id"], row["letter_id"], row["number"], row["origin"], row["status"], row["facts_hash"],
                   json.loads(row["facts"] or "{}"), day, row["docx_path"], row["pdf_path"], row["docx_sha256"],
                   tuple(json.loads(row["open_points"] or "[]")), row["created_by"], row["created_at"],
                   row["approved_by"], row["approved_at"], row["cosigned_by"], row["cosigned_at"], row["reason"])


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
