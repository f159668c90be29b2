"""Every letter of the procedure: its template, the data it may use, when it is due, what it must say.

A letter is due for a trigger event when `due(event, case)` holds; it is drafted once per trigger.
`variables` is the letter's data model: a template that names anything else fails `templates check`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docgen.register.procedure import Case
from docgen.register.store import Event

COMMON = frozenset({"datum", "kenmerk", "v_nummer", "naam", "geboortedatum", "geadresseerde", "behandelaar"})
NESTED = {"motivering": frozenset({"titel", "tekst"})}  # attributes of the items of a list variable
GROUNDS = ("B8/3", "3.48")
REMEDY = ("bezwaar", "vier weken")


def _m55(*soorten: str) -> Callable[[Event, Case], bool]:
    return lambda event, case: event.fields.get("soort", "aangifte") in soorten


def _always(event: Event, case: Case) -> bool:
    return True


def _term_passed(event: Event, case: Case) -> bool:
    """The zienswijze term that this uitreiking started has ended, and no gegrond beklag revived the case.
    A pending beklag does not stop it: a beklag gives no lawful residence."""
    latest = [e for e in case.events if e.kind == "uitreiking"]
    return bool(case.term_passed and latest and latest[-1].id == event.id)


@dataclass(frozen=True)
class LetterKind:
    name: str         # the draft's file name, unique per trigger
    template: str     # templates/<template>.docx
    title: str
    trigger: str      # the event kind that can make it due
    due: Callable[[Event, Case], bool]
    variables: frozenset[str]
    required: tuple[str, ...]  # phrases the rendered letter must contain
    addressee: str
    notice: str = ""  # for kennisgevingen: which decision is notified (verlening | intrekking)


def _kennisgeving(decision: str, trigger: str, due, partner: str, addressee: str) -> LetterKind:
    return LetterKind(f"kennisgeving-{decision}-{partner}", "kennisgeving", f"Kennisgeving {decision} aan {partner}",
                      trigger, due, COMMON | {"besluit_datum", "besluit", "besluit_kort", "verzoek"}, GROUNDS,
                      addressee, decision)


LETTERS: tuple[LetterKind, ...] = (
    LetterKind("bevestiging-bedenktijd", "bevestiging-bedenktijd", "Bevestiging bedenktijd", "m55",
               _m55("bedenktijd"), COMMON | {"bedenktijd_start", "bedenktijd_einde"}, GROUNDS, "Politie, AVIM"),
    LetterKind("beschikking-verlening", "beschikking-verlening", "Beschikking verlening verblijfsvergunning", "m55",
               _m55("aangifte", "medewerking"), COMMON | {"ingangsdatum", "einddatum", "medewerking"},
               GROUNDS + REMEDY, "Betrokkene, p/a Politie, AVIM"),
    _kennisgeving("verlening", "m55", _m55("aangifte", "medewerking"), "politie", "Politie, AVIM"),
    _kennisgeving("verlening", "m55", _m55("aangifte", "medewerking"), "om", "Openbaar Ministerie, parket"),
    LetterKind("voornemen-intrekking", "voornemen-intrekking", "Voornemen tot intrekking verblijfsvergunning",
               "sepot", _always, COMMON | {"parketnummer", "sepot_datum"},
               GROUNDS + ("4:8", "twee weken", "B9/12", "beklag", "paspoort", "leges"),
               "Politie, AVIM (ter uitreiking aan betrokkene)"),
    LetterKind("besluit-uitstel", "besluit-uitstel", "Besluit op uitstelverzoek", "uitstelverzoek",
               lambda event, case: any(e.kind == "uitreiking" for e in case.events),
               COMMON | {"verzoek_datum", "weken", "toegekend", "nieuwe_einddatum", "reden_afwijzing"},
               ("B8/3", "4:8"), "Gemachtigde van betrokkene"),
    LetterKind("beschikking-intrekking", "beschikking-intrekking", "Beschikking intrekking verblijfsvergunning",
               "uitreiking", _term_passed,
               COMMON | {"parketnummer", "sepot_datum", "uitreiking_datum", "termijn_einde", "zienswijze",
                         "zienswijze_datum", "motivering", "open_punten"},
               GROUNDS + REMEDY + ("B9/12", "beklag"), "Betrokkene, p/a Politie, AVIM"),
    _kennisgeving("intrekking", "uitreiking", _term_passed, "politie", "Politie, AVIM"),
    _kennisgeving("intrekking", "uitreiking", _term_passed, "om", "Openbaar Ministerie, parket"),
    _kennisgeving("intrekking", "uitreiking", _term_passed, "gemeente", "College van B&W, afdeling Burgerzaken"),
)


def by_name(name: str) -> LetterKind:
    for letter in LETTERS:
        if letter.name == name:
            return letter
    raise KeyError(name)


def templates() -> dict[str, list[LetterKind]]:
    """Template name → the letters that use it."""
    out: dict[str, list[LetterKind]] = {}
    for letter in LETTERS:
        out.setdefault(letter.template, []).append(letter)
    return out
