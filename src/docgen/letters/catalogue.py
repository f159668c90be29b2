"""Which letter is drafted after which event, and from which template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LetterKind:
    name: str       # template file stem and draft file stem
    title: str
    trigger: str    # the event kind that makes this letter due


LETTERS: tuple[LetterKind, ...] = (
    LetterKind("voornemen-intrekking", "Voornemen tot intrekking verblijfsvergunning", "sepot"),
)

