"""An invented case that needs every letter, for `templates check` and `preview`: what a template
maintainer sees is what a real case produces (the same facts, plan and rendering)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.clock import Clock
from docgen.letters.arguments import detect, load_library
from docgen.letters.plan import Need, plan
from docgen.model import Event
from docgen.register.procedure import assess

EXAMPLE_V = "1234567890"
EXAMPLE_TODAY = dt.date(2026, 4, 20)
EXAMPLE_NOW = Clock.on(EXAMPLE_TODAY).now()
BEHANDELAAR = {"naam": "M. de Voorbeeld", "telefoon": "088 000 00 00", "email": "m.devoorbeeld@ind.example"}
ZIENSWIJZE = ("Cliënte is ernstig getraumatiseerd en onder behandeling bij een psycholoog. Zij beschikt nog niet "
              "over een paspoort. Cliënte volgt een opleiding tot verpleegkundige en heeft in Nederland een "
              "stageplaats gevonden. Zij heeft nog een lening lopen die zij eerst wil aflossen.")
PERSON = {"naam": "Voorbeeld Persoon", "geboortedatum": "1990-01-02", "nationaliteit": "Nigeriaanse"}
LAWYER = {"gemachtigde_naam": "mr. A. Voorbeeld", "gemachtigde_kantoor": "Voorbeeld Advocaten",
          "gemachtigde_adres": "Voorbeeldstraat 1, 1234 AB Voorbeeldstad", "afzender_adres": "voorbeeld@advocaten.example"}


def _event(id_: int, kind: str, day: str, **fields) -> Event:
    date = dt.date.fromisoformat(day)
    return Event(id_, EXAMPLE_V, kind, date, dt.datetime.combine(date, dt.time(10), tzinfo=dt.UTC), id_, fields)


def example_events(templates: Path) -> list[Event]:
    chosen, open_points = detect(load_library(templates), ZIENSWIJZE)
    return [
        _event(1, "m55", "2026-01-02", **PERSON, soort="bedenktijd", eenheid="Amsterdam"),
        _event(2, "m55", "2026-01-05", **PERSON, soort="aangifte", eenheid="Amsterdam"),
        _event(3, "sepot", "2026-03-02", **PERSON, parketnummer="09/123456-26"),
        _event(4, "uitreiking", "2026-03-09"),
        _event(5, "uitstelverzoek", "2026-03-16", weken="3", redenen=["tolk"], **LAWYER),
        _event(6, "zienswijze", "2026-04-03", argumenten=chosen, open_punten=open_points, **LAWYER),
        _event(7, "inschrijving_gemeente", "2026-04-10", a_nummer="9876543210", gemeente="Voorbeeldstad"),
    ]


def _final(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


FINALS = {"bevestiging-bedenktijd:1": _final("2026-01-02T15:00"), "beschikking-verlening:2": _final("2026-01-05T15:00"),
          "voornemen-intrekking:3": _final("2026-03-03T10:00"), "besluit-uitstel:5": _final("2026-03-17T10:00"),
          "beschikking-intrekking:4": _final("2026-04-20T10:00")}
FINAL_DATES = {slot: when.date() for slot, when in FINALS.items()}


def example_needs(templates: Path) -> dict[str, Need]:
    """Letter name → what the example case needs of it (every letter, the revived grant included)."""
    events = example_events(templates)
    case = assess(EXAMPLE_V, events, FINALS, EXAMPLE_NOW)
    needs = {need.letter.name: need for need in plan(case, FINAL_DATES)}
    revived = events + [_event(8, "beklag", "2026-04-15", soort="ingesteld"),
                        _event(9, "beklag", "2026-05-15", soort="gegrond", kenmerk="K26/0001")]
    later = EXAMPLE_NOW + dt.timedelta(days=30)
    for need in plan(assess(EXAMPLE_V, revived, FINALS, later), FINAL_DATES):
        needs.setdefault(need.letter.name, need)
    before_revocation = {slot: when for slot, when in FINALS.items() if not slot.startswith("beschikking-intrekking")}
    for need in plan(assess(EXAMPLE_V, revived, before_revocation, later), FINAL_DATES):
        needs.setdefault(need.letter.name, need)  # the voornemen withdrawn: no revocation yet
    return needs
