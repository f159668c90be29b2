"""A message as the monitor reads it: the file as received (`<data>/messages/<sha256>.eml`) parsed again
for its new text, quoted history, forwards, attachments and warnings, and the rules explained.

A quarantined message is looked at, never parsed as trusted: its headers and plain text are shown, its
attachments named (with hidden characters made visible) and not offered for download.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import functools
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import QuarantineError

log = logging.getLogger("docgen")
MAX_TEXT = 200_000  # characters of a text shown on the page


@dataclass(frozen=True)
class ShownAttachment:
    number: int
    name: str            # hidden characters made visible
    content_type: str
    text: str
    method: str
    downloadable: bool


@dataclass(frozen=True)
class Shown:
    available: bool
    quarantined: bool = False  # the file was kept in quarantine: looked at, never parsed as trusted
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    sent: str = ""
    body: str = ""
    quoted: str = ""
    attachments: tuple[ShownAttachment, ...] = ()
    forwarded: tuple[tuple[str, str, str], ...] = ()  # (sender, subject, text) of forwarded messages
    warnings: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()                        # every rule checked now, hit or miss, in English
    fired: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (rule, its type, types it overrides) that hit now


def visible(name: str) -> str:
    """Control and text-direction characters shown as their code, so `factuur\u202efdp.exe` cannot hide."""
    return "".join(ch if ch.isprintable() and unicodedata.category(ch) != "Cf" else f"[U+{ord(ch):04X}]"
                   for ch in name)


def path_of(settings, row) -> Path | None:
    """Where the message as received is kept; None for a message recorded before files were kept."""
    folders = (settings.quarantine, settings.messages) if row["status"] == "quarantined" else \
        (settings.messages, settings.quarantine)
    for folder in folders:
        path = folder / f"{row['sha256']}.eml"
        if path.is_file():
            return path
    return None


def show(settings, row) -> Shown:
    path = path_of(settings, row)
    if path is None:
        return Shown(False)
    if path.parent == settings.quarantine:
        return _look(str(path))
    return _parsed(str(path), str(settings.rules))


@functools.lru_cache(maxsize=32)
def _parsed(path: str, rules_folder: str) -> Shown:
    """Parse (with OCR, as intake did) and explain once per file: the page is opened several times."""
    from docgen.classify import classify
    from docgen.parse import parse_message

    try:
        msg = parse_message(Path(path).read_bytes())
    except QuarantineError as exc:
        return Shown(True, True, warnings=(f"quarantined: {exc.reason}",))
    rules = _rules(rules_folder)
    result = classify(msg, rules, explain=True)
    hits = {line.split(":")[0].removeprefix("rule ") for line in result.trace if ": HIT" in line}
    fired = tuple((r.name, r.type, tuple(r.overrides)) for r in rules.chain.rules if r.name in hits)
    attachments = tuple(ShownAttachment(i, visible(a.name), a.content_type, a.text[:MAX_TEXT], a.method, True)
                        for i, a in enumerate(msg.attachments))
    forwarded = tuple((m.sender_name or m.sender, m.subject, m.body[:MAX_TEXT]) for m in _all(msg.forwarded))
    sent = msg.date.isoformat() if msg.date else ""
    return Shown(True, False, msg.sender, msg.sender_name, msg.subject, sent, msg.body[:MAX_TEXT], msg.quoted[:MAX_TEXT],
                 attachments, forwarded, msg.warnings, result.trace, fired)


def _all(forwarded):
    for inner in forwarded:
        yield inner
        yield from _all(inner.forwarded)


@functools.lru_cache(maxsize=4)
def _rules(folder: str):
    from docgen.classify import load_rules

    return load_rules(Path(folder))


@functools.lru_cache(maxsize=16)
def _look(path: str) -> Shown:
    """A quarantined message: headers and plain text only; attachments named, never opened."""
    msg = email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.compat32)
    texts, attachments = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if part.get_content_type() == "text/plain" and not name and part.get_content_disposition() != "attachment":
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        elif name or part.get_content_type() != "text/html":
            attachments.append(ShownAttachment(len(attachments), visible(_header(name or "")),
                                               part.get_content_type(), "", "none", False))
    name, address = email.utils.parseaddr(_header(msg.get("From", "")))
    try:
        sent = email.utils.parsedate_to_datetime(str(msg.get("Date", ""))).isoformat()
    except (TypeError, ValueError, IndexError):
        sent = ""
    return Shown(True, True, address.lower(), name, _header(msg.get("Subject", "")), sent,
                 visible_text("\n\n".join(texts)[:MAX_TEXT]), attachments=tuple(attachments))


def visible_text(text: str) -> str:
    return "".join(ch if ch in "\n\t" or (ch.isprintable() and unicodedata.category(ch) != "Cf")
                   else f"[U+{ord(ch):04X}]" for ch in text)


def _header(value) -> str:
    try:
        return visible(str(email.header.make_header(email.header.decode_header(str(value)))))
    except (email.errors.HeaderParseError, LookupError, UnicodeDecodeError, ValueError):
        return visible(str(value))


def attachment(settings, row, number: int) -> tuple[str, bytes] | None:
    """The bytes of attachment `number` as parse_message counts them; None when it is not there or the
    message was quarantined (also after its release). Checked against the parsed name, so a change in counting never hands out the
    wrong file."""
    path = path_of(settings, row)
    shown = show(settings, row) if path else None
    if not shown or not shown.available or shown.quarantined or not 0 <= number < len(shown.attachments):
        return None
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    found = [p for p in _leaves(msg) if not _body_part(p)]
    if number >= len(found):
        return None
    part = found[number]
    name = visible(part.get_filename() or "")
    if name != shown.attachments[number].name:
        log.warning("attachment %d of message %s does not match its parsed name", number, row["id"])
        return None
    return name or f"bijlage-{number + 1}", part.get_payload(decode=True) or b""


def _leaves(msg):
    if msg.get_content_type() == "message/rfc822" or not msg.is_multipart():
        yield msg
        return
    for sub in msg.get_payload():
        yield from _leaves(sub)


def _body_part(part) -> bool:
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        return True
    return ctype in ("text/plain", "text/html") and part.get_content_disposition() != "attachment" \
        and not part.get_filename()


def cancelled(trace: tuple[str, ...]) -> list[tuple[str, str]]:
    """Rules a context cue held back (a `not:` on a text): (rule, why) in English, for words.dutch."""
    out = []
    for line in trace:
        head, _, why = line.partition(" — ")
        if head.endswith(": miss") and why.startswith("not: ") and " contains " in why:
            out.append((head.removeprefix("rule ").removesuffix(": miss"), why))
    return out


def outvoted(shown: Shown) -> list[tuple[str, str, str]]:
    """(rule, its type, the rule that overrode it) among the rules that fired."""
    return [(other, other_type, name) for name, _, overridden in shown.fired
            for other, other_type, _ in shown.fired if other != name and other_type in overridden]
