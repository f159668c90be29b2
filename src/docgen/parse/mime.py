"""Bytes of one e-mail → Message. Unsafe or unreadable input raises QuarantineError with the reason;
a message whose MIME structure ends early raises Incomplete (it may still be being written)."""

from __future__ import annotations

import email
import email.header
import email.message
import email.policy
import email.utils
import re
import unicodedata
from dataclasses import replace
from email import errors as email_errors

from docgen.errors import QuarantineError
from docgen.model import Attachment, Message
from docgen.parse.attachments import Budget, Limits, decode_text, read_attachment
from docgen.parse.html import html_to_text
from docgen.parse.quotes import split_history

_BIDI_AND_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EXECUTABLE = re.compile(
    r"\.(exe|scr|bat|cmd|com|pif|js|jse|vbs|vbe|wsf|wsh|ps1|msi|hta|jar|lnk|dll|cpl|reg)$", re.I
)
_FATAL_DEFECTS = (email_errors.MissingHeaderBodySeparatorDefect,)
_CUT_MULTIPART = (email_errors.CloseBoundaryNotFoundDefect, email_errors.StartBoundaryNotFoundDefect)


class Incomplete(QuarantineError):
    """The message ends before its MIME structure does: still being written, or cut off."""


DEFAULT_LIMITS = Limits()


def parse_message(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Message:
    if len(data) > limits.max_message_bytes:
        raise QuarantineError(f"message is {len(data)} bytes, more than {limits.max_message_bytes}")
    # compat32 keeps headers raw; the default policy re-parses every header on every access,
    # which cost more than the rest of parsing. We decode the few headers we use ourselves.
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except RecursionError as exc:
        raise QuarantineError(f"MIME parts nested deeper than {limits.max_nesting}") from exc
    _check_complete(msg)
    budget = Budget(limits)
    parsed = _parse(msg, limits, budget, depth=0)
    summary = budget.summary()
    return parsed if not summary else replace(parsed, warnings=parsed.warnings + tuple(summary))


def _check_complete(msg: email.message.Message) -> None:
    """A file cut short shows at its end: a multipart that never closes (a cut part inside it is cut
    with it), or a single-part message whose base64 text stops in the middle of a 4-character group."""
    if msg.is_multipart():
        if any(isinstance(d, _CUT_MULTIPART) for d in msg.defects):
            raise Incomplete("the message ends before its last MIME boundary (cut off, or still being written)")
        return
    if str(msg.get("content-transfer-encoding", "")).strip().lower() == "base64":
        payload = msg.get_payload()
        if isinstance(payload, str) and len("".join(payload.split())) % 4:
            raise Incomplete("the message ends in the middle of its base64 text (cut off, or still being written)")


def _parse(msg: email.message.Message, limits: Limits, budget: Budget, depth: int) -> Message:
    for defect in msg.defects:
        if isinstance(defect, _FATAL_DEFECTS):
            raise QuarantineError("malformed header block: a header line without a colon")
    _parts(msg, limits)  # refuses too many parts and too deep nesting before anything is read

    subject = _header(msg, "subject")
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    forwarded: list[Message] = []
    warnings: list[str] = []
    try:
        for part in _leaf_parts(msg):
            ctype = part.get_content_type()
            filename = part.get_filename()
            if filename is not None:
                _check_filename(filename)
            if ctype == "message/rfc822":
                if depth + 1 > limits.max_depth:
                    raise QuarantineError(f"forwarded messages nested deeper than {limits.max_depth}")
                inner = part.get_payload()[0] if part.is_multipart() else None
                if inner is not None:
                    forwarded.append(_parse(inner, limits, budget, depth + 1))
                continue
            disposition = part.get_content_disposition()
            if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
                (plain if ctype == "text/plain" else html).append(decode_text(part))
                continue
            read_attachment(part, filename or "", ctype, budget, warnings, attachments)
        # PDFs and scans are being read in a worker meanwhile
        text = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(html_to_text(h, warnings) for h in html)
        split = split_history(text.replace("\r\n", "\n"), subject)
        if split.forwarded:
            forwarded.append(_inline_forward(split.forwarded))
        name, address = _parse_from(msg.get("from"))
        headers = tuple((k, _decode_header(v)) for k, v in msg.items())
        budget.reads.finish()
    except BaseException:
        budget.reads.cancel()
        raise
    return Message(
        message_id=_header(msg, "message-id").strip(),
        sender=address.lower(),
        sender_name=name,
        subject=subject,
        date=_date(msg),
        body=split.new,
        quoted=split.quoted,
        attachments=tuple(attachments),
        forwarded=tuple(forwarded),
        headers=headers,
        warnings=tuple(warnings),
    )


_SIMPLE_FROM = re.compile(r'^\s*(?:"([^"\\]*)"|([^"<>,;@\\]*?))\s*<([^<>@\s",;]+@[^<>@\s",;]+)>\s*$|'
                          r'^\s*<?([^<>@\s",;]+@[^<>@\s",;]+)>?\s*$')


def _parse_from(value) -> tuple[str, str]:
    """(display name, address). The address is read from the raw header, before any RFC 2047 decoding,
    so an encoded word (`=?utf-8?q?parket=40om.nl?=`) can only ever be a display name, never the
    address trust is judged on. A header with several addresses, or none, gives no address."""
    if value is None:
        return "", ""
    raw = " ".join(str(value).split())
    match = _SIMPLE_FROM.match(raw)  # the common `"Name" <a@b>` or a bare address, without parseaddr
    if match:
        if match.group(4):
            return "", match.group(4)
        return _decode_header((match.group(1) or match.group(2) or "").strip()), match.group(3)
    found = [(n, a) for n, a in email.utils.getaddresses([raw]) if n or a]
    if len(found) != 1 or "@" not in found[0][1]:
        return _decode_header(raw), ""
    return _decode_header(found[0][0]), found[0][1]


def _parts(msg: email.message.Message, limits: Limits) -> list[email.message.Message]:
    """Every part, as walk() gives them, but without recursion and refusing what is too big or deep."""
    out: list[email.message.Message] = []
    stack = [(msg, 0)]
    while stack:
        part, nesting = stack.pop()
        if nesting > limits.max_nesting:
            raise QuarantineError(f"MIME parts nested deeper than {limits.max_nesting}")
        out.append(part)
        if len(out) > limits.max_parts:
            raise QuarantineError(f"message has more than {limits.max_parts} parts")
        if part.is_multipart():
            stack.extend((sub, nesting + 1) for sub in reversed(part.get_payload()))
    return out


def _leaf_parts(msg: email.message.Message):
    """Leaf parts of this message in order, without descending into attached messages."""
    stack = [msg]
    while stack:
        part = stack.pop()
        if part.get_content_type() == "message/rfc822" or not part.is_multipart():
            yield part
        else:
            stack.extend(reversed(part.get_payload()))


def _check_filename(name: str) -> None:
    if _BIDI_AND_CONTROL.search(name):
        raise QuarantineError("attachment name contains control or text-direction characters")
    if "/" in name or "\\" in name or ".." in name:
        raise QuarantineError("attachment name contains a path (possible path traversal)")
    if _EXECUTABLE.search(unicodedata.normalize("NFKC", name).strip()):
        raise QuarantineError("attachment is an executable file")


_INLINE_HEADER = re.compile(r"^\s*(van|from|onderwerp|subject|verzonden|sent|aan|to|datum|date|cc)\s*:\s*(.*)$", re.I)


def _inline_forward(text: str) -> Message:
    """A forward pasted into the body: read its little header block, keep the rest as body."""
    sender, subject, body_start = "", "", 0
    lines = text.split("\n")
    for i, line in enumerate(lines[:12]):
        match = _INLINE_HEADER.match(line)
        if match:
            key, value = match.group(1).lower(), match.group(2)
            if key in ("van", "from"):
                sender = value
            elif key in ("onderwerp", "subject"):
                subject = value
            body_start = i + 1
    name, address = email.utils.parseaddr(sender)
    return Message("", address.lower(), name, subject, None, "\n".join(lines[body_start:]).strip())


def _header(msg, name: str) -> str:
    value = msg.get(name)
    return _decode_header(value) if value is not None else ""


def _decode_header(value) -> str:
    """Decode RFC 2047 encoded words; a header that cannot be decoded is kept as raw text."""
    if isinstance(value, email.header.Header):
        value = str(value)
    text = " ".join(str(value).split())
    if "=?" not in text:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    except (UnicodeError, LookupError, email_errors.HeaderParseError, ValueError):
        return text


def _date(msg):
    try:
        value = msg.get("date")
        return email.utils.parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError, IndexError):
        return None
