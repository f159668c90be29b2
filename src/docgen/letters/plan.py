"""Which letters a case needs now, with the facts each must state. Pure: the drafter compares this plan
with the letters the register holds and drafts, supersedes or flags what differs."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.letters.catalogue import LETTERS, LetterKind
from docgen.letters.facts import facts_hash, letter_facts
from docgen.model import Case, Event, slot


@dataclass(frozen=True)
class Need:
    letter: LetterKind
    trigger: Event
    slot: str
    facts: dict
    hash: str
    sequence: int  # 1 for the first letter of this kind in the case, 2 for the next, ...


def plan(case: Case, final_dates: dict | None = None) -> list[Need]:
    """`final_dates` maps a slot to the date its final letter carries (a kennisgeving states it)."""
    needs: list[Need] = []
    for letter in LETTERS:
        triggers = sorted(letter.needs(case), key=lambda e: (e.day, e.received.isoformat() if e.received else "", e.id))
        for sequence, trigger in enumerate(triggers, 1):
            if letter.after and not case.final(letter.after, trigger):
                continue  # a kennisgeving follows its beschikking once that is final
            facts = letter_facts(letter, trigger, case, final_dates, sequence)
            needs.append(Need(letter, trigger, slot(letter.name, trigger.id), facts, facts_hash(facts), sequence))
    return needs
