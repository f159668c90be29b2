"""Wires the stages for one message: parse → classify → register → draft.

The only place that catches broad errors per message: one message's failure never stops the rest,
and nothing is lost (a message that cannot be handled is recorded in quarantine with its reason).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from docgen.classify import RuleSet, classify, load_rules
from docgen.config import Settings
from docgen.errors import DocgenError, QuarantineError
from docgen.letters.arguments import detect, load_library
from docgen.letters.catalogue import LETTERS
from docgen.letters.context import explanation, letter_context
from docgen.letters.render import render_letter
from docgen.model import RawMessage
from docgen.outbox import draft_paths, write_atomic, write_draft
from docgen.parse import Limits, parse_message
from docgen.register.procedure import Case, assess
from docgen.register.store import Store, sha256

log = logging.getLogger("docgen")


@dataclass(frozen=True)
class Drafted:
    v_nummer: str
    letter: str
    docx: str
    pdf: str


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
                 limits: Limits | None = None, today: dt.date | None = None):
        self.settings = settings
        self.rules = rules or load_rules(settings.rules)
        self.store = store or Store(settings.database_url)
        self.limits = limits or Limits()
        self.today = today
        self._library = None

    def process(self, raw: RawMessage, draft: bool = True) -> Outcome:
        """Handle one message. With draft=False the caller drafts later (a drafter thread)."""
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
        result = self._enrich(classify(msg, self.rules, mailbox=raw.source), msg)
        recorded = self.store.record(digest=digest, source=raw.source, key=raw.key, name=raw.name,
                                     message_id=msg.message_id, received=msg.date, result=result)
        if recorded.duplicate:
            return self._log(Outcome(raw.key, "duplicate", message_id=msg.message_id,
                                     recorded=self.store.known(digest) or "classified"))
        drafted = self.draft_due() if draft else []
        status = "triage" if result.triage else "classified"
        paths = tuple(p for d in drafted for p in (d.docx, d.pdf))
        return self._log(Outcome(raw.key, status, result.type, result.v_nummers, msg.message_id,
                                 "; ".join(result.triage_reasons), paths))

    def _enrich(self, result, msg):
        """A zienswijze carries the arguments it raises (for the motivated decision) and its sender."""
        if result.type not in ("zienswijze", "uitstelverzoek") or result.triage:
            return result
        fields = {**result.fields, "afzender": msg.sender_name or msg.sender}
        if result.type == "zienswijze":
            text = "\n\n".join([msg.body] + [a.text for a in msg.attachments if a.text])
            chosen, open_points = detect(self.library, text)
            fields["argumenten"] = chosen
            fields["open_punten"] = open_points
        return replace(result, fields=fields)

    @property
    def library(self):
        if self._library is None:
            self._library = load_library(self.settings.templates)
        return self._library

    def draft_due(self) -> list[Drafted]:
        """Draft every letter that is due and not drafted yet, exactly once per trigger."""
        written: list[Drafted] = []
        today = self.today or dt.date.today()
        cases: dict[str, Case] = {}
        drafted_days = None
        for letter in LETTERS:
            for event in self.store.events_without_draft(letter.trigger, letter.name):
                if event.v_nummer not in cases:
                    drafted_days = drafted_days if drafted_days is not None else self.store.drafted_days()
                    cases[event.v_nummer] = assess(event.v_nummer, self.store.events(event.v_nummer),
                                                   drafted_days, today)
                case = cases[event.v_nummer]
                if event.id not in {e.id for e in case.events} or not letter.due(event, case):
                    continue  # a duplicate event, or not due (yet)
                try:
                    drafted = self._draft(letter, event, case, today)
                    if drafted:
                        written.append(drafted)
                except DocgenError as exc:
                    log.error("draft failed v_nummer=%s letter=%s event=%s reason=%s",
                              event.v_nummer, letter.name, event.id, exc)
                except Exception as exc:  # the message is safely recorded; the draft is retried later
                    log.error("draft failed v_nummer=%s letter=%s event=%s reason=%s",
                              event.v_nummer, letter.name, event.id, type(exc).__name__, exc_info=True)
        return written

    def _draft(self, letter, event, case, today) -> Drafted | None:
        claim = self.store.claim_draft(event.v_nummer, letter.name, event.id)
        if claim is None:
            return None  # drafted already, or another watcher is rendering it now
        try:
            context = letter_context(letter, event, case, today)
            template = self.settings.templates / f"{letter.template}.docx"
            rendered = render_letter(template, context, letter.title)
            docx, pdf = draft_paths(self.settings.outbox, event.v_nummer, letter.name, claim.sequence)
            write_draft(self.settings.outbox, docx, rendered.docx)
            write_draft(self.settings.outbox, pdf, rendered.pdf)
            if context.get("zienswijze") is not None:
                note = explanation(letter, context, case)
                write_draft(self.settings.outbox, docx.with_suffix(".toelichting.txt"), note.encode("utf-8"))
        except BaseException:
            self.store.release_draft(claim.draft_id)
            raise
        self.store.finish_draft(claim.draft_id, str(docx), str(pdf))
        log.info("drafted v_nummer=%s letter=%s event=%s", event.v_nummer, letter.name, event.id)
        return Drafted(event.v_nummer, letter.name, str(docx), str(pdf))

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

