"""The data a letter is filled with, taken from the case's events in the register."""

from __future__ import annotations

import datetime as dt

from docgen.register.store import Event

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
MISSING = "[onbekend — aanvullen]"


def dutch_date(value: str | dt.date | None) -> str:
    if not value:
        return MISSING
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def latest(events: list[Event], field: str) -> str | None:
    for event in reversed(events):
        if event.fields.get(field):
            return event.fields[field]
    return None


def letter_context(v_nummer: str, trigger: Event, events: list[Event], today: dt.date) -> dict:
    """Plain strings only: the template sees text, never objects it could call."""
    return {
        "datum": dutch_date(today),
        "kenmerk": f"B83/{v_nummer}/{trigger.id}",
        "v_nummer": v_nummer,
        "naam": trigger.fields.get("naam") or latest(events, "naam") or MISSING,
        "geboortedatum": dutch_date(trigger.fields.get("geboortedatum") or latest(events, "geboortedatum")),
        "parketnummer": trigger.fields.get("parketnummer") or latest(events, "parketnummer") or MISSING,
        "sepot_datum": dutch_date(trigger.event_date),
        "geadresseerde": "Politie, AVIM (ter uitreiking aan betrokkene)",
        "behandelaar": "[naam behandelaar]",
    }
