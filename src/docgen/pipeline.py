"""Wires the stages for one message: parse → classify → register → draft.

The only place that catches broad errors per message: one message's failure never stops the rest,
and nothing is lost (a message that cannot be handled is recorded in quarantine with its reason).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace

from docgen.classify import RuleSet, classify, load_rules
from docgen.classify.engine import original_of
from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.drafter import Drafted, Drafter
from docgen.errors import QuarantineError, RegisterError
from docgen.letters.arguments import detect, load_library
from docgen.model import Message, RawMessage
from docgen.outbox import write_atomic
from docgen.parse import Incomplete, Limits, parse_message
from docgen.parse.unread import flag_unread
from docgen.register.store import Store, sha256

log = logging.getLogger("docgen")
_UNIT = re.compile(r"(?:politie-?\s?eenheid|eenheid\s+politie)\s*:\s*([^\n]{2,80})", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    key: str
    status: str  # classified | triage | quarantined | duplicate
    type: str = ""
    v_nummers: tuple[str, ...] = ()
    message_id: str = ""
    reason: str = ""
    drafts: tuple[str, ...] = field(default=())
    recorded: str = ""  # for a duplicate: how the first copy was recorded (classified, triage, ...)

    @property
    def disposition(self) -> str:
        """Where the message belongs now: classified, triage or quarantined."""
        return self.recorded if self.status == "duplicate" else self.status


class Pipeline:
    def __init__(self, settings: Settings, rules: RuleSet | None = None, store: Store | None = None,
                 limits: Limits | None = None, clock: Clock = SYSTEM):
        self.settings = settings
        self.rules = rules or load_rules(settings.rules)
        self.store = store or Store(settings.database_url)
        self.limits = limits or Limits()
        self.clock = clock
        self.drafter = Drafter(settings, self.store, clock)
        self._library = None

    def process(self, raw: RawMessage, draft: bool = True, reassess: bool = True, *, refused: str = "",
                retry: bool = False) -> Outcome:
        """Handle one message. With draft=False the caller drafts later (the drafter process); with
        reassess=False its cases are only marked, for a caller that reads a whole backlog first.

        Whatever goes wrong while parsing, classifying or recording a message, it is recorded in
        quarantine with the reason (the traceback goes to the log) and counted as an error of its
        source: no message is retried for ever. Only a register that cannot be written raises
        (RegisterError): then the message stays where it is, for later.
        `refused`: the source would not read the message (a link, a file over the size limit) and
        passes a reference to it as `raw.data`; it is quarantined with that reason, not copied.
        `retry`: a message that ends early raises Incomplete instead, so that the source can look
        again later (a file still being written); without it, it is quarantined at once.
        """
        digest = sha256(raw.data)
        known = self.store.known(digest)
        if known:
            return self._log(Outcome(raw.key, "duplicate", recorded=known))
        if refused:
            return self._quarantine(raw, digest, refused, copy=False)
        stage = "parse"
        try:
            msg = parse_message(raw.data, self.limits)
            stage = "classify"
            result = flag_unread(self._enrich(classify(msg, self.rules, mailbox=raw.source), msg), msg)
            stage = "record"
            # The message as received, for the monitor's message page (its text, its attachments); the
            # register refers to it by its SHA-256. Written before the record: a recorded message has it.
            write_atomic(self.settings.messages / f"{digest}.eml", raw.data)
            with self.store.db.transaction():  # the message, its events and its cases' letters: one commit
                recorded = self.store.record(digest=digest, source=raw.source, key=raw.key, name=raw.name,
                                             message_id=msg.message_id, received=msg.date, result=result,
                                             arrived=arrival(raw, msg, self.clock), sender=msg.sender,
                                             sender_name=msg.sender_name, subject=msg.subject)
                if not recorded.duplicate and reassess:
                    self.drafter.reassess_marked(self.store.marked_by(recorded.message_row, result.v_nummers))
        except Incomplete as exc:
            if retry:
                raise
            return self._quarantine(raw, digest, exc.reason)
        except QuarantineError as exc:
            return self._quarantine(raw, digest, exc.reason)
        except RegisterError:
            raise
        except Exception as exc:  # a crash in a stage is a bad message, not a stopped watcher
            log.error("message %s %s failed: %s", raw.key, stage, type(exc).__name__, exc_info=True)
            ours = type(exc).__module__.startswith("docgen.")  # our own errors say no message content
            detail = f": {exc}"[:240] if ours else ""
            return self._quarantine(raw, digest, f"{stage} failed ({type(exc).__name__}){detail}", error=True)
        if recorded.duplicate:
            return self._log(Outcome(raw.key, "duplicate", message_id=msg.message_id,
                                     recorded=self.store.known(digest) or "classified"))
        drafted = self.draft_due() if draft else []
        status = "triage" if result.triage else "classified"
        paths = tuple(p for d in drafted for p in (d.docx, d.pdf))
        return self._log(Outcome(raw.key, status, result.type, result.v_nummers, msg.message_id,
                                 "; ".join(result.triage_reasons), paths))

    def _enrich(self, result, msg):
        """Every message carries its sender (the addressee of a reply, the key to a lawyer's earlier mail);
        a zienswijze the arguments it raises (for the motivated decision). A colleague's internal forward
        is read as the message it forwards."""
        msg = original_of(msg, self.rules.senders)
        fields = {**result.fields, "afzender": msg.sender_name or msg.sender, "afzender_adres": msg.sender}
        if result.type == "m55" and not fields.get("eenheid"):
            text = "\n".join([msg.body] + [a.text for a in msg.attachments if a.text] + [f.body for f in msg.forwarded])
            unit = _UNIT.search(text)
            if unit:
                fields["eenheid"] = " ".join(unit.group(1).split())[:80]
        if result.type == "zienswijze":
            text = "\n\n".join([msg.body] + [a.text for a in msg.attachments if a.text])
            chosen, open_points = detect(self.library, text)
            fields["argumenten"] = chosen
            fields["open_punten"] = open_points
            if "voortgezet_verblijf" not in fields and any(b["key"] == "voortgezet-verblijf" for b in chosen):
                fields["voortgezet_verblijf"] = "aangekondigd"  # the revocation waits for the decision on it
        return replace(result, fields=fields)

    @property
    def library(self):
        if self._library is None:
            self._library = load_library(self.settings.templates)
        return self._library

    def draft_due(self) -> list[Drafted]:
        """Reassess every case that changed and draft what it needs (the drafter's one pass)."""
        return self.drafter.work()

    def _quarantine(self, raw: RawMessage, digest: str, reason: str, *, copy: bool = True,
                    error: bool = False) -> Outcome:
        """Record the message in quarantine. A copy is kept in the data directory, except of a message
        over the size limit or one the source refused: for those the reason names where it is."""
        folder = self.settings.quarantine
        copy = copy and len(raw.data) <= self.limits.max_message_bytes
        try:
            if copy:
                write_atomic(folder / f"{digest}.eml", raw.data)
            where = "" if copy else "kept at its source, not copied\n"
            write_atomic(folder / f"{digest}.reason.txt", f"{raw.source} {raw.key}\n{where}{reason}\n".encode())
        except OSError as exc:
            raise RegisterError(f"cannot write to the quarantine folder {folder}: {exc.strerror or exc}") from exc
        self.store.record(digest=digest, source=raw.source, key=raw.key, name=raw.name, message_id="",
                          received=None, result=None, quarantine=reason, arrived=raw.arrived or self.clock.now())
        if error:
            states = {r["name"]: r["state"] for r in self.store.source_status()}
            self.store.set_source_status(raw.source, states.get(raw.source, "idle"), error=f"{raw.key}: {reason}")
        return self._log(Outcome(raw.key, "quarantined", reason=reason))

    @staticmethod
    def _log(outcome: Outcome) -> Outcome:
        # One line per message: V-nummer, message-id and outcome; never message content.
        log.info("message %s id=%s outcome=%s type=%s v_nummer=%s drafted=%s%s", outcome.key,
                 outcome.message_id or "-", outcome.status, outcome.type or "-",
                 ",".join(outcome.v_nummers) or "-", len(outcome.drafts),
                 f" reason={outcome.reason}" if outcome.status in ("quarantined", "triage") else "")
        return outcome


def arrival(raw: RawMessage, msg: Message, clock: Clock) -> dt.datetime:
    """When the IND received the message, apart from the sender's Date: header. The source knows best
    (IMAP INTERNALDATE); a dropped file was received when it was written, or when its Date: says if that
    is earlier (a backlog exported from a mailbox); the clock when nothing else is known. Never later than
    the clock: a replay as of an earlier day must not receive mail in its future."""
    now = clock.now()
    if raw.arrived is not None and not raw.source.startswith("folder:"):
        return min(raw.arrived, now)
    candidates = [d for d in (msg.date, raw.arrived) if d is not None and d.tzinfo is not None]
    return min([*candidates, now])
