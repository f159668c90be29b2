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


def split_history(text: str, subject: str = "") -> SplitText:
    """Split a body into new text, reply history and inline-forwarded content."""
    lines = text.split("\n")
    forward = is_forward_subject(subject)
    for i, line in enumerate(lines):
        kind = _boundary(lines, i, forward)
        if kind:
            new = "\n".join(lines[:i]).strip()
            rest = "\n".join(lines[i:]).strip()
            if kind == "forward":
                return SplitText(new, "", rest)
            return SplitText(new, _strip_markers(rest), "")
    new_lines = [line for line in lines if not line.lstrip().startswith(">")]
    quoted_lines = [line for line in lines if line.lstrip().startswith(">")]
    return SplitText("\n".join(new_lines).strip(), _strip_markers("\n".join(quoted_lines)), "")


def _boundary(lines: list[str], i: int, forward: bool) -> str | None:
    line = lines[i]
    if _FORWARD_INTRO.match(line):
        return "forward"
    if _REPLY_INTRO.match(line) or _SEPARATOR.match(line):
        return "forward" if forward else "reply"
    if _HEADER_FROM.match(line) and any(_HEADER_DATE.match(x) for x in lines[i + 1 : i + 4]):
        return "forward" if forward else "reply"
    return None


def _strip_markers(text: str) -> str:
    return "\n".join(re.sub(r"^\s*(>\s?)+", "", line) for line in text.split("\n")).strip()
