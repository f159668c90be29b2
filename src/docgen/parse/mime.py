"""Bytes of one e-mail → Message. Unsafe or unreadable input raises QuarantineError with the reason."""

from __future__ import annotations

import email
import email.header
import email.message
import email.policy
import email.utils
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from email import errors as email_errors

from PIL import Image, UnidentifiedImageError

from docgen.errors import QuarantineError
from docgen.model import Attachment, Message
from docgen.parse import ocr
from docgen.parse.docx import docx_text
from docgen.parse.html import html_to_text
from docgen.parse.pdf import pdf_text
from docgen.parse.quotes import split_history

Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb raises instead of eating memory


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 40_000_000
    max_parts: int = 100
    max_depth: int = 3  # forwarded messages inside forwarded messages
    max_pdf_pages: int = 30
    max_ocr_pages: int = 4
    max_docx_unpacked: int = 30_000_000
    min_ocr_image_side: int = 600  # smaller images are logos, not scans
    ocr: bool = True


_BIDI_AND_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EXECUTABLE = re.compile(
    r"\.(exe|scr|bat|cmd|com|pif|js|jse|vbs|vbe|wsf|wsh|ps1|msi|hta|jar|lnk|dll|cpl|reg)$", re.I
)
_FATAL_DEFECTS = (email_errors.MissingHeaderBodySeparatorDefect,)
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_CHARSET_FALLBACKS = ("utf-8", "cp1252")


def parse_message(data: bytes, limits: Limits = Limits()) -> Message:
    if len(data) > limits.max_message_bytes:
        raise QuarantineError(f"message is {len(data)} bytes, more than {limits.max_message_bytes}")
    # compat32 keeps headers raw; the default policy re-parses every header on every access,
    # which cost more than the rest of parsing. We decode the few headers we use ourselves.
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    return _parse(msg, limits, depth=0)


def _parse(msg: email.message.Message, limits: Limits, depth: int) -> Message:
    for defect in msg.defects:
        if isinstance(defect, _FATAL_DEFECTS):
            raise QuarantineError("malformed header block: a header line without a colon")
    parts = list(msg.walk()) if msg.is_multipart() else [msg]
    if len(parts) > limits.max_parts:
        raise QuarantineError(f"message has {len(parts)} parts, more than {limits.max_parts}")

    subject = _header(msg, "subject")
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    forwarded: list[Message] = []
    warnings: list[str] = []
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
                forwarded.append(_parse(inner, limits, depth + 1))
            continue
        disposition = part.get_content_disposition()
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            (plain if ctype == "text/plain" else html).append(_decode_text(part))
            continue
        attachments.append(_attachment(part, filename or "", ctype, limits, warnings))

    text = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(html_to_text(h) for h in html)
    split = split_history(text.replace("\r\n", "\n"), subject)
    if split.forwarded:
        forwarded.append(_inline_forward(split.forwarded))
    name, address = _parse_from(_header(msg, "from"))
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
        headers=tuple((k, _decode_header(v)) for k, v in msg.items()),
        warnings=tuple(warnings),
    )


_SIMPLE_FROM = re.compile(r'^\s*(?:"([^"\\]*)"|([^"<>,;@\\]*?))\s*<([^<>@\s",;]+@[^<>@\s",;]+)>\s*$|'
                          r'^\s*<?([^<>@\s",;]+@[^<>@\s",;]+)>?\s*$')


def _parse_from(value: str) -> tuple[str, str]:
    """`"Name" <a@b>` or a bare address take a strict fast path; anything else goes to parseaddr."""
    match = _SIMPLE_FROM.match(value)
    if match:
        if match.group(4):
            return "", match.group(4)
        return (match.group(1) or match.group(2) or "").strip(), match.group(3)
    return email.utils.parseaddr(value)


def _leaf_parts(msg: email.message.Message):
    """Leaf parts of this message, without descending into attached messages."""
    if msg.get_content_type() == "message/rfc822":
        yield msg
        return
    if not msg.is_multipart():
        yield msg
        return
    for sub in msg.get_payload():
        yield from _leaf_parts(sub)


def _check_filename(name: str) -> None:
    if _BIDI_AND_CONTROL.search(name):
        raise QuarantineError("attachment name contains control or text-direction characters")
    if "/" in name or "\\" in name or ".." in name:
        raise QuarantineError("attachment name contains a path (possible path traversal)")
    if _EXECUTABLE.search(unicodedata.normalize("NFKC", name).strip()):
        raise QuarantineError("attachment is an executable file")


def _attachment(part, name: str, ctype: str, limits: Limits, warnings: list[str]) -> Attachment:
    payload = part.get_payload(decode=True) or b""
    lower = name.lower()
    try:
        if ctype == "application/pdf" or lower.endswith(".pdf"):
            text, method = pdf_text(payload, limits.max_pdf_pages, limits.max_ocr_pages, limits.ocr)
            return Attachment(name, ctype, text, method)
        if ctype == _DOCX or lower.endswith(".docx"):
            return Attachment(name, ctype, docx_text(payload, limits.max_docx_unpacked), "docx")
        if ctype.startswith("image/"):
            return _image(payload, name, ctype, limits)
        if ctype.startswith("text/"):
            return Attachment(name, ctype, _decode_text(part), "plain")
    except QuarantineError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001 - third-party readers raise their own types; a bad file is a warning
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    return Attachment(name, ctype, "", "none")


def _image(payload: bytes, name: str, ctype: str, limits: Limits) -> Attachment:
    image = Image.open(io.BytesIO(payload))
    if not limits.ocr or min(image.size) < limits.min_ocr_image_side:
        return Attachment(name, ctype, "", "none")
    return Attachment(name, ctype, ocr.ocr_image(image), "ocr")


def _decode_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, *_CHARSET_FALLBACKS):
        try:
            text = payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
        if part.get_content_type() == "text/html":
            return text
        return text
    return payload.decode("utf-8", "replace")


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
