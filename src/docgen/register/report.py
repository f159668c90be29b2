"""The pilot evaluation's tables: lead time per step against its target, counts per type and state."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from docgen.register.calendar import working_days_between
from docgen.register.procedure import Case, _day, _received


@dataclass(frozen=True)
class Step:
    name: str
    target: str
    target_days: int | None  # in working days
    durations: tuple[int, ...]

    @property
    def average(self) -> float | None:
        return sum(self.durations) / len(self.durations) if self.durations else None

    @property
    def within_target(self) -> int:
        return sum(1 for d in self.durations if self.target_days is not None and d <= self.target_days)


def _in(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def lead_times(cases: list[Case], drafted: dict[str, dict[int, dt.date]], start: dt.date | None = None,
               end: dt.date | None = None) -> list[Step]:
    """Durations in working days, counted for steps that began within [start, end]."""
    aangifte_sepot, sepot_voornemen, uitreiking_term, permit = [], [], [], []
    voornemen = drafted.get("voornemen-intrekking", {})
    verlening = drafted.get("beschikking-verlening", {})
    for case in cases:
        aangifte = next((e for e in case.events if e.kind == "m55" and e.fields.get("soort") != "bedenktijd"), None)
        if aangifte and aangifte.id in verlening and _in(_received(aangifte), start, end):
            permit.append(working_days_between(_received(aangifte), verlening[aangifte.id]))
        for event in case.events:
            if event.kind == "sepot":
                if aangifte and _in(_day(aangifte), start, end) and _day(event) >= _day(aangifte):
                    aangifte_sepot.append(working_days_between(_day(aangifte), _day(event)))
                if event.id in voornemen and _in(_received(event), start, end):
                    sepot_voornemen.append(working_days_between(_received(event), voornemen[event.id]))
            if event.kind == "uitreiking" and _in(_day(event), start, end):
                term = next((d for d in case.deadlines if d.name == "zienswijze"), None)
                if term:
                    uitreiking_term.append(working_days_between(_day(event), term.due))
    return [
        Step("aangifte → sepot", "10 working days", 10, tuple(aangifte_sepot)),
        Step("M55 received → permit granted", "24 hours", 1, tuple(permit)),
        Step("sepot → voornemen tot intrekking", "1 working day", 1, tuple(sepot_voornemen)),
        Step("uitreiking → end of zienswijze term", "2 weeks", 10, tuple(uitreiking_term)),
        Step("application voortgezet verblijf → decision", "35 working days", 35, ()),
        Step("bezwaar → decision", "50 working days", 50, ()),
    ]


def type_counts(messages: list, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Counter]:
    """Per message type: how many arrived, and how many of them went to triage."""
    counts: dict[str, Counter] = {}
    for row in messages:
        day = dt.date.fromisoformat(row["received"][:10]) if row["received"] else None
        if (start or end) and not _in(day, start, end):
            continue
        kind = "quarantined" if row["status"] == "quarantined" else (row["type"] or "overig")
        counts.setdefault(kind, Counter())["total"] += 1
        counts[kind]["triage"] += row["status"] == "triage"
    return counts


def state_counts(cases: list[Case]) -> Counter:
    return Counter(case.state for case in cases)


def load_cases(store, today: dt.date) -> tuple[list[Case], dict[str, dict[int, dt.date]]]:
    """Every case in the register, assessed as of `today`, and the days letters were drafted."""
    from docgen.register.procedure import assess

    drafted = store.drafted_days()
    cases = [assess(v, events, drafted, today) for v, events in store.all_events().items()]
    return cases, drafted


def by_urgency(cases: list[Case], today: dt.date) -> list[Case]:
    """Overdue first, then by the next deadline, then cases with nothing due."""
    def key(case: Case):
        nxt = case.next_deadline()
        return (0 if nxt and nxt.due < today else 1, nxt.due if nxt else dt.date.max, case.v_nummer)
    return sorted(cases, key=key)
