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
from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.drafter import Drafted, Drafter
from docgen.errors import QuarantineError
from docgen.letters.arguments import detect, load_library
from docgen.model import Message, RawMessage
from docgen.outbox import write_atomic
from docgen.parse import Limits, parse_message
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

    def process(self, raw: RawMessage, draft: bool = True, reassess: bool = True) -> Outcome:
        """Handle one message. With draft=False the caller drafts later (the drafter process); with
        reassess=False its cases are only marked, for a caller that reads a whole backlog first."""
        digest = sha256(raw.data)
        known = self.store.known(digest)
        if known:
            return self._log(Outcome(raw.key, "duplicate", recorded=known))
        try:
            msg = parse_message(raw.data, self.limits)
        except QuarantineError as exc:
            return self._quarantine(raw, digest, exc.reason)
        except Exception as exc:  # a parser crash is a bad message, not a stopped watcher
            log.error("parse crashed message=%s", raw.key, exc_info=True)
            return self._quarantine(raw, digest, f"could not be parsed ({type(exc).__name__})")
        result = self._enrich(classify(msg, self.rules), msg)
        # The message as received, for the monitor's message page (its text, its attachments); the register
        # refers to it by its SHA-256. Written before the record, so a recorded message always has it.
        write_atomic(self.settings.messages / f"{digest}.eml", raw.data)
        with self.store.db.transaction():  # the message, its events and its cases' letters: one commit
            recorded = self.store.record(digest=digest, source=raw.source, key=raw.key, name=raw.name,
                                         message_id=msg.message_id, received=msg.date, result=result,
                                         arrived=arrival(raw, msg, self.clock), sender=msg.sender,
                                         sender_name=msg.sender_name, subject=msg.subject)
            if not recorded.duplicate and reassess:
                self.drafter.reassess_marked(self.store.marked_by(recorded.message_row, result.v_nummers))
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
        a zienswijze the arguments it raises (for the motivated decision)."""
        fields = {**result.fields, "afzender": msg.sender_name or msg.sender, "afzender_adres": msg.sender}
        if result.type == "m55" and not fields.get("eenheid"):
            text = "\n".join([msg.body] + [a.text for a in msg.attachments if a.text] + [f.body for f in msg.forwarded])
            unit = _UNIT.search(text)
            if unit:
                fields["eenheid"] = " ".join(unit.group(1).split())[:80]
        if result.type == "uitstelverzoek":
            text = "\n\n".join([msg.subject, msg.body] + [a.text for a in msg.attachments if a.text])
            fields["redenen"] = self.drafter.policy.uitstel.reasons_in(text)
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

    def _quarantine(self, raw: RawMessage, digest: str, reason: str) -> Outcome:
        folder = self.settings.quarantine
        write_atomic(folder / f"{digest}.eml", raw.data)
        write_atomic(folder / f"{digest}.reason.txt", f"{raw.source} {raw.key}\n{reason}\n".encode())
        self.store.record(digest=digest, source=raw.source, key=raw.key, name=raw.name, message_id="",
                          received=None, result=None, quarantine=reason)
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
    is earlier (a backlog exported from a mailbox); the clock when nothing else is known."""
    if raw.arrived is not None and not raw.source.startswith("folder:"):
        return raw.arrived
    candidates = [d for d in (msg.date, raw.arrived) if d is not None and d.tzinfo is not None]
    return min(candidates) if candidates else clock.now()
