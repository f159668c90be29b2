"""The state of a case's B8/3 procedure, its deadlines and what is odd, derived from its events.

Pure: the same events give the same answer in any arrival order. Events are read in the order of
the dates stated in them (then arrival); a message received twice counts once and is reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docgen.register.calendar import add_working_days, extend_term
from docgen.register.store import Event

ZIENSWIJZE_DAYS = 14  # "binnen twee weken na uitreiking" (Awb 4:8, the redelijke termijn)
MAX_UITSTEL_WEEKS = 4  # a longer request is refused (the unit's policy; a behandelaar may decide otherwise)


def uitstel_refusal(weeks: int, asked: dt.date, term_end: dt.date | None) -> str:
    """Why an uitstelverzoek is refused, or '' when it is granted."""
    if term_end is None:
        return "Er loopt nog geen termijn voor een zienswijze."
    if asked > term_end:
        return f"Het verzoek is ingediend na afloop van de termijn op {term_end.isoformat()}."
    if weeks <= 0:
        return "Het verzoek noemt geen termijn."
    if weeks > MAX_UITSTEL_WEEKS:
        return f"Een verlenging van meer dan {MAX_UITSTEL_WEEKS} weken acht ik niet redelijk."
    return ""

STATES = ("onbekend", "bedenktijd", "vergunning", "sepot", "voornemen", "zienswijzetermijn",
          "zienswijze ontvangen", "beklag", "intrekking", "vervolging heropend")


@dataclass(frozen=True)
class Deadline:
    name: str
    due: dt.date
    kind: str      # legal (a term of law) | target (the pilot's target term) | action (a letter is due)
    basis: str     # how it was computed, in words
    done: bool = False
    done_on: dt.date | None = None

    def status(self, today: dt.date) -> str:
        if self.done:
            return "late" if self.done_on and self.done_on > self.due else "met"
        return "overdue" if self.due < today else ("due" if self.due == today else "open")


@dataclass(frozen=True)
class Case:
    v_nummer: str
    state: str
    events: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    oddities: tuple[str, ...] = field(default=())
    term_passed: bool = False  # the zienswijze term of the latest uitreiking has ended

    def next_deadline(self) -> Deadline | None:
        open_ = [d for d in self.deadlines if not d.done]
        return min(open_, key=lambda d: d.due) if open_ else None


def _day(event: Event) -> dt.date | None:
    value = event.event_date or (event.received or "")[:10]
    return dt.date.fromisoformat(value) if value else None


def _received(event: Event) -> dt.date | None:
    return dt.date.fromisoformat(event.received[:10]) if event.received else _day(event)


def _identity(event: Event) -> tuple:
    f = event.fields
    return (event.kind, event.event_date, f.get("soort"), f.get("parketnummer"), f.get("weken"))


def assess(v_nummer: str, events: list[Event], drafted: dict[str, dict[int, dt.date]], today: dt.date) -> Case:
    """`drafted` maps letter → trigger event id → the day that letter was drafted."""
    ordered = sorted(events, key=lambda e: (_day(e) or dt.date.max, e.received or "", e.id))
    seen: dict[tuple, Event] = {}
    odd: list[str] = []
    unique: list[Event] = []
    for event in ordered:
        key = _identity(event)
        if key in seen:
            odd.append(f"{event.kind} of {event.event_date} received twice (messages {seen[key].message_id} "
                       f"and {event.message_id}); counted once")
            continue
        seen[key] = event
        unique.append(event)
        stated, received = _day(event), _received(event)
        if stated and received and stated > received:
            odd.append(f"{event.kind} is dated {stated}, after it arrived on {received}")

    state = "onbekend"
    deadlines: dict[str, Deadline] = {}
    sepot: Event | None = None
    uitreiking: Event | None = None
    term_end: dt.date | None = None
    term_basis = ""
    zienswijze_in = False
    beklag_pending = False
    for event in unique:
        kind, day = event.kind, _day(event) or today
        if kind == "m55":
            soort = event.fields.get("soort", "")
            if soort == "bedenktijd":
                state = "bedenktijd" if state in ("onbekend", "bedenktijd") else state
            else:
                state = "vergunning" if state in ("onbekend", "bedenktijd", "vergunning") else state
                received = _received(event) or day
                done_on = drafted.get("beschikking-verlening", {}).get(event.id)
                deadlines["beschikking-verlening"] = Deadline(
                    "beschikking-verlening", add_working_days(received, 1), "target",
                    f"M55 {soort or 'aangifte'} received {received}: permit within 24 hours",
                    done_on is not None, done_on)
        elif kind == "sepot":
            if state == "onbekend":
                odd.append("the case starts with a sepot: no M55 of this V-nummer is in the register")
            if sepot and sepot.fields.get("parketnummer") != event.fields.get("parketnummer"):
                odd.append(f"a second sepot ({event.fields.get('parketnummer')}) after "
                           f"{sepot.fields.get('parketnummer')}")
            sepot, uitreiking, term_end, zienswijze_in = event, None, None, False
            _close(deadlines, "beschikking-verlening")
            received = _received(event) or day
            done_on = drafted.get("voornemen-intrekking", {}).get(event.id)
            deadlines["voornemen"] = Deadline("voornemen", add_working_days(received, 1), "target",
                                              f"sepot received {received}: voornemen within 1 working day",
                                              done_on is not None, done_on)
            state = "voornemen" if done_on else "sepot"
        elif kind == "uitreiking":
            if sepot is None:
                odd.append(f"uitreiking of {day} without a sepot in the register")
            elif day < (_day(sepot) or day):
                odd.append(f"uitreiking of {day} is dated before the sepot of {_day(sepot)}")
            uitreiking = event
            end = day + dt.timedelta(days=ZIENSWIJZE_DAYS)
            term_end, term_basis = end, f"uitreiking {day} + 2 weeks"
            state = "zienswijzetermijn"
        elif kind == "uitstelverzoek":
            weeks = int(event.fields.get("weken") or 0)
            current = extend_term(_day(uitreiking), term_end) if uitreiking and term_end else None
            refusal = uitstel_refusal(weeks, day, current)
            if term_end is None:
                odd.append(f"uitstelverzoek of {day} before any uitreiking: no term to extend yet")
            elif current and day > current:
                odd.append(f"uitstelverzoek of {day} arrived after the term ended on {current}: not applied")
            elif not refusal:
                term_end += dt.timedelta(weeks=weeks)
                term_basis += f" + {weeks} weeks uitstel (verzoek {day})"
            else:
                odd.append(f"uitstelverzoek of {day} for {weeks} weeks is refused: term not extended")
        elif kind == "zienswijze":
            if uitreiking is None:
                odd.append(f"zienswijze of {day} before any uitreiking in the register")
            zienswijze_in = True
            state = "zienswijze ontvangen"
        elif kind == "beklag":
            soort = event.fields.get("soort", "ingesteld")
            if soort == "ingesteld":
                beklag_pending = True
                state = "beklag"
            elif soort == "gegrond":
                if not beklag_pending:
                    odd.append("beklag decided gegrond without a filed beklag in the register")
                beklag_pending = False
                state, term_end = "vervolging heropend", None
                deadlines.pop("zienswijze", None)
                deadlines.pop("beschikking-intrekking", None)
            else:
                if not beklag_pending:
                    odd.append("beklag decided ongegrond without a filed beklag in the register")
                beklag_pending = False
                state = "zienswijze ontvangen" if zienswijze_in else ("zienswijzetermijn" if term_end else state)

    if term_end and uitreiking:
        due = extend_term(_day(uitreiking), term_end)
        basis = term_basis + ("" if due == term_end else f", extended to {due} (Algemene termijnenwet)")
        passed = today > due
        deadlines["zienswijze"] = Deadline("zienswijze", due, "legal", basis, done=passed or zienswijze_in)
        if passed or zienswijze_in:
            start = max(due, today) if not passed else due
            deadlines["beschikking-intrekking"] = Deadline(
                "beschikking-intrekking", add_working_days(start, 1) if passed else due, "action",
                "the zienswijze term has passed" if passed else "a zienswijze came in; decide after the term")
            if passed and state not in ("beklag", "vervolging heropend"):
                state = "intrekking"
    passed = bool(term_end and uitreiking and today > extend_term(_day(uitreiking), term_end))
    return Case(v_nummer, state, tuple(unique), tuple(sorted(deadlines.values(), key=lambda d: d.due)),
                tuple(odd), passed and state != "vervolging heropend")


def _close(deadlines: dict[str, Deadline], name: str) -> None:
    if name in deadlines and not deadlines[name].done:
        d = deadlines[name]
        deadlines[name] = Deadline(d.name, d.due, d.kind, d.basis + "; followed by later events", True)
