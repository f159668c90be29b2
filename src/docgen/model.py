"""The plain data that travels between the stages: source → parse → classify → register → draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CASE_TYPES = ("m55", "sepot", "uitreiking", "zienswijze", "uitstelverzoek", "beklag")
TYPES = CASE_TYPES + ("overig",)


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
