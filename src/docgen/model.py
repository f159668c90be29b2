"""The plain data that travels between the stages: source → parse → classify → register → draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The pilot's case messages: each starts or moves a step of the procedure.
CASE_TYPES = ("m55", "sepot", "uitreiking", "zienswijze", "uitstelverzoek", "beklag")
# The other chain mail of a case (DOMAIN.md): follow-up procedures and facts that change the case.
FOLLOW_UP_TYPES = (
    "voortgezet_verblijf",    # aanvraag (or its announcement) voortgezet verblijf, B9/12
    "bezwaar",                # bezwaarschrift against a beschikking
    "beroep",                 # beroep at the rechtbank
    "dossier_om",             # police: the dossier went to the OM
    "inschrijving_gemeente",  # gemeente: A-nummer / inschrijving in the BRP
    "stand_van_zaken",        # a question about the state of a case or follow-up procedure
    "vertrek",                # departure with unknown destination
    "afzien_aangifte",        # the person gives up the aangifte / medewerking
)
EVENT_TYPES = CASE_TYPES + FOLLOW_UP_TYPES  # every type that becomes an event on its case
TYPES = EVENT_TYPES + ("overig",)


@dataclass(frozen=True)
class RawMessage:
    """Bytes of one message as a source found it; `key` identifies it within its source."""

    source: str
    key: str
    name: str
    data: bytes


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    text: str
    method: str  # how the text was obtained: pdf-text, ocr, docx, plain, none


@dataclass(frozen=True)
class Message:
    """A parsed message. `body` is the sender's own new text; `quoted` is reply history."""

    message_id: str
    sender: str  # address, lower case
    sender_name: str
    subject: str
    date: dt.datetime | None
    body: str
    quoted: str = ""
    attachments: tuple[Attachment, ...] = ()
    forwarded: tuple[Message, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


@dataclass(frozen=True)
class Classification:
    """What a message is, and the words that explain why."""

    type: str
    v_nummers: tuple[str, ...]
    triage: bool
    fields: dict[str, str] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()  # rule hits, in order, in words
    triage_reasons: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()  # every rule evaluated, hit or miss (for --explain)
