"""The state of a case's B8/3 procedure, derived from its events: a fold of one handler per event kind.

Pure: the same events give the same case in any arrival order. Events are read in the order of the
days stated in them (then arrival); a message received twice counts once and is reported. An event
without a usable day is an oddity the case waits on; it never raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from docgen.dates import dutch_date
from docgen.model import Case, Event
from docgen.register.policy import DEFAULT, Policy
from docgen.register.procedure.deadlines import deadlines, settle
from docgen.register.procedure.handlers import HANDLERS, Context, sepot_doubt_note

__all__ = ["assess", "Context"]

# Kinds whose day is a legal fact stated in the message (the term starts on the day of the uitreiking,
# not the day the police's mail arrived): without a stated day they cannot be placed.
STATED_DAY = ("m55", "sepot", "uitreiking", "beklag", "besluit_verlening", "besluit_vv", "besluit_bezwaar",
              "sepot_bevestigd")


def _identity(event: Event) -> tuple:
    f = event.fields
    return (event.kind, event.date, f.get("soort"), f.get("parketnummer"), f.get("weken"), f.get("uitkomst"))


def _order(event: Event):
    return (event.day or dt.date.max, event.received or dt.datetime.max.replace(tzinfo=dt.UTC), event.id)


def assess(v_nummer: str, events: list[Event], finals: dict | None = None, now: dt.datetime | None = None,
           policy: Policy = DEFAULT, triage_waits: tuple[str, ...] = ()) -> Case:
    """The case as of `now`. `finals` maps a letter's slot to when it became final; `triage_waits`
    names messages in triage or quarantine that may belong to this case."""
    now = now or dt.datetime.now(dt.UTC)
    finals = finals or {}
    ctx = Context(policy, finals, now)
    case = Case(v_nummer, finals=finals)
    seen: dict[tuple, Event] = {}
    counted: list[Event] = []
    undated: list[str] = []
    later: list[dt.date] = []
    for event in sorted(events, key=_order):
        if event.day is None or (event.kind in STATED_DAY and event.date is None):
            undated.append(f"{event.kind} (bericht {event.message}) heeft geen bruikbare datum")
            continue
        if event.day > now.date():  # a letter never states as fact what is dated after its own date
            later.append(event.day)
            case = replace(case, oddities=case.oddities + (
                f"{event.kind} (bericht {event.message}) is gedateerd {dutch_date(event.day)}, na vandaag: het telt "
                "pas vanaf die dag",))
            continue
        key = _identity(event)
        if key in seen:
            case = replace(case, oddities=case.oddities + (
                f"{event.kind} van {dutch_date(event.day)} is twee keer ontvangen (berichten {seen[key].message} "
                f"en {event.message}); één keer geteld",))
            continue
        seen[key] = event
        if event.date and event.received and event.date > event.received.date():
            case = replace(case, oddities=case.oddities + (
                f"{event.kind} is gedateerd {dutch_date(event.date)}, na ontvangst op {dutch_date(event.received)}",))
        counted.append(event)
        handler = HANDLERS.get(event.kind)
        if handler is not None:
            case = handler(case, event, ctx)
    case = replace(case, events=tuple(counted), oddities=case.oddities + tuple(undated), counts_from=tuple(later),
                   attention=case.attention + sepot_doubt_note(case))
    case = settle(case, ctx, triage_waits, undated)
    return replace(case, deadlines=deadlines(case, ctx))
