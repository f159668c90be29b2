"""Tell the sender's new text apart from reply history and inline forwards.

An old quote must never decide a message's type, but a forwarded message is the
content the forwarder wants handled, so the two are kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line that starts reply history: "Op ... schreef ...:", "On ... wrote:", Outlook separators.
_REPLY_INTRO = re.compile(
    r"^\s*(op\s.{0,120}\s(schreef|heeft\s.{0,60}geschreven)|on\s.{0,120}\swrote)\b.{0,80}:?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(_{10,}|-{2,}\s*(oorspronkelijk bericht|original message|origineel bericht)\s*-{2,})\s*$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"^\s*(-{2,}\s*(doorgestuurd bericht|forwarded message|doorgestuurd)\s*-{2,}|begin forwarded message:|"
    r"begin doorgestuurd bericht:)\s*$",
    re.IGNORECASE,
)
# Outlook's header block: "Van: ..." followed within a few lines by "Verzonden:"/"Sent:"/"Datum:".
_HEADER_FROM = re.compile(r"^\s*(van|from)\s*:\s*\S", re.IGNORECASE)
_HEADER_DATE = re.compile(r"^\s*(verzonden|sent|datum|date)\s*:", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*((fw|fwd|doorst|tr|wg)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class SplitText:
    new: str
    quoted: str
    forwarded: str


def is_forward_subject(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or ""))


_BOUNDARY = re.compile(
    "|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in (
        ("forward", _FORWARD_INTRO), ("reply", _REPLY_INTRO), ("separator", _SEPARATOR), ("header", _HEADER_FROM))),
    re.IGNORECASE | re.MULTILINE,
)


def split_history(text: str, subject: str = "") -> SplitText:
    """Split a body into new text, reply history and inline-forwarded content."""
    forward = is_forward_subject(subject)
    for match in _BOUNDARY.finditer(text):
        if match.lastgroup == "header" and not _date_line_follows(text, match.end()):
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        new, rest = text[:start].strip(), text[start:].strip()
        if match.lastgroup == "forward" or forward:
            return SplitText(new, "", rest)
        return SplitText(new, _strip_markers(rest), "")
    if ">" not in text:
        return SplitText(text.strip(), "", "")
    lines = text.split("\n")
    new_lines = [line for line in lines if not line.lstrip().startswith(">")]
    quoted_lines = [line for line in lines if line.lstrip().startswith(">")]
    return SplitText("\n".join(new_lines).strip(), _strip_markers("\n".join(quoted_lines)), "")


def _date_line_follows(text: str, position: int) -> bool:
    """Outlook's header block: "Van: ..." followed within a few lines by "Verzonden:"/"Sent:"."""
    following = text[position:].split("\n", 4)[1:4]
    return any(_HEADER_DATE.match(line) for line in following)


def _strip_markers(text: str) -> str:
    return "\n".join(re.sub(r"^\s*(>\s?)+", "", line) for line in text.split("\n")).strip()
