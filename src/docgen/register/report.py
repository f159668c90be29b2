"""The pilot's tables (seed 001, "Overzicht doorlooptijden"): lead time per step against its target,
measured to decisions (final letters and events), never to drafts; counts per type and state; one row
per case with one column per step (the OM's Excel registration of seed 001)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from docgen.model import Case, Event, slot
from docgen.register.calendar import working_days_between


@dataclass(frozen=True)
class StepDef:
    key: str
    name: str                 # Dutch, as the pilot's table names it
    unit: str                 # werkdagen | uren | weken
    target: float | None
    target_text: str
    pilot: str                # the pilot's average, for comparison
    measure: Callable[[Case], tuple[dt.date, float] | None]  # (day the step began, its duration)


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    unit: str
    target: float | None
    target_text: str
    pilot: str
    durations: tuple[float, ...]

    @property
    def average(self) -> float | None:
        return sum(self.durations) / len(self.durations) if self.durations else None

    @property
    def within_target(self) -> int:
        return sum(1 for d in self.durations if self.target is not None and d <= self.target)


def _final(case: Case, letter: str, trigger: Event | None) -> dt.datetime | None:
    return case.finals.get(slot(letter, trigger.id)) if trigger else None


def _wd(start: dt.date, end: dt.date) -> float:
    return float(working_days_between(start, end))


def _weeks(start: dt.date, end: dt.date) -> float:
    return round((end - start).days / 7, 1)


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 1)


def _aangifte_sepot(c: Case):
    if c.application and c.sepot and c.sepot.day >= c.application.day:
        return c.application.day, _wd(c.application.day, c.sepot.day)
    return None


def _grant(c: Case):
    done = _final(c, "beschikking-verlening", c.application)
    if done and c.application and c.application.received:
        return c.application.received.date(), _hours(c.application.received, done)
    return None


def _sepot_voornemen(c: Case):
    done = _final(c, "voornemen-intrekking", c.sepot)
    if done and c.sepot:
        start = c.sepot.received_day or c.sepot.day
        return start, _wd(start, done.date())
    return None


def _voornemen_uitreiking(c: Case):
    done = _final(c, "voornemen-intrekking", c.sepot)
    if done and c.uitreiking:
        return done.date(), _wd(done.date(), c.uitreiking.day)
    return None


def _uitreiking_term(c: Case):
    if c.uitreiking and c.term_end:
        return c.uitreiking.day, _weeks(c.uitreiking.day, c.term_end)
    return None


def _term_decision(c: Case):
    done = _final(c, "beschikking-intrekking", c.uitreiking)
    if done and c.term_end:
        return c.term_end, _wd(c.term_end, done.date())
    return None


def _sepot_revocation(c: Case):
    done = _final(c, "beschikking-intrekking", c.uitreiking)
    if done and c.sepot and c.vv is None:
        return c.sepot.day, _weeks(c.sepot.day, done.date())
    return None


def _sepot_vv(c: Case):
    if c.sepot and c.vv and c.vv.kind == "voortgezet_verblijf":
        return c.sepot.day, _weeks(c.sepot.day, c.vv.day)
    return None


def _vv_decision(c: Case):
    if c.vv and c.vv_decision and c.vv.kind == "voortgezet_verblijf":
        return c.vv.day, _weeks(c.vv.day, c.vv_decision.day)
    return None


def _bezwaar_decision(c: Case):
    decided = next((e for e in c.events if e.kind == "besluit_bezwaar"), None)
    if c.bezwaar and decided:
        return c.bezwaar.day, _weeks(c.bezwaar.day, decided.day)
    return None


def _melding_gemeente(c: Case):
    revoked = _final(c, "beschikking-intrekking", c.uitreiking)
    done = _final(c, "kennisgeving-intrekking-gemeente", c.uitreiking)
    if revoked and done:
        return revoked.date(), _hours(revoked, done)
    return None


STEPS: tuple[StepDef, ...] = (
    StepDef("aangifte_sepot", "aangifte → sepot", "werkdagen", 10, "10 werkdagen", "8 werkdagen", _aangifte_sepot),
    StepDef("m55_verlening", "M55 ontvangen → vergunning verleend", "uren", 24, "24 uur", "0,9 werkdag", _grant),
    StepDef("sepot_voornemen", "sepot → voornemen tot intrekking", "werkdagen", 1, "1 werkdag", "2,9 werkdagen",
            _sepot_voornemen),
    StepDef("voornemen_uitreiking", "voornemen → uitreiking", "werkdagen", None, "—", "—", _voornemen_uitreiking),
    StepDef("uitreiking_termijn", "uitreiking → einde zienswijzetermijn", "weken", 2, "2 weken", "—", _uitreiking_term),
    StepDef("termijn_besluit", "einde termijn → beschikking intrekking", "werkdagen", None, "—", "—", _term_decision),
    StepDef("sepot_intrekking", "sepot → intrekking zonder aanvraag voortgezet verblijf", "weken", None,
            "losgelaten (was 4 weken)", "10,6 weken", _sepot_revocation),
    StepDef("sepot_vv", "sepot → indiening aanvraag voortgezet verblijf", "weken", None, "—", "7,5 weken", _sepot_vv),
    StepDef("vv_besluit", "aanvraag voortgezet verblijf → besluit", "weken", 7, "7 weken (35 werkdagen)", "6,4 weken",
            _vv_decision),
    StepDef("bezwaar_besluit", "bezwaar → besluit op bezwaar", "weken", 10, "10 weken (50 werkdagen)", "12,3 weken",
            _bezwaar_decision),
    StepDef("intrekking_gemeente", "beschikking intrekking → melding gemeente", "uren", 48, "48 uur", "—",
            _melding_gemeente),
)


def _in(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def measure(case: Case) -> dict[str, list]:
    """Each completed step of a case: key → [the day it began (ISO), its duration]. Kept with the case's
    listing row when the case is reassessed, so a report over 10,000 cases reads rows, not events."""
    out = {}
    for step in STEPS:
        measured = step.measure(case)
        if measured:
            out[step.key] = [measured[0].isoformat(), measured[1]]
    return out


def lead_times(measured: list[dict], start: dt.date | None = None, end: dt.date | None = None) -> list[Step]:
    """Durations per step over the cases' measurements, for steps that began within [start, end]."""
    found: dict[str, list[float]] = {s.key: [] for s in STEPS}
    for steps in measured:
        for key, (began, duration) in steps.items():
            if key in found and _in(dt.date.fromisoformat(began), start, end):
                found[key].append(duration)
    return [Step(s.key, s.name, s.unit, s.target, s.target_text, s.pilot, tuple(found[s.key])) for s in STEPS]


def per_case(rows: list[tuple[str, str, dict]]) -> tuple[list[str], list[list[str]]]:
    """One row per case (V-nummer, state, measurements), one column per step (empty where not happened)."""
    header = ["v_nummer", "toestand"] + [f"{s.name} ({s.unit})" for s in STEPS]
    out = []
    for v_nummer, state, steps in sorted(rows):
        out.append([v_nummer, state] + ["" if s.key not in steps else _number(steps[s.key][1]) for s in STEPS])
    return header, out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def type_counts(messages: list, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Counter]:
    """Per message type: how many arrived, and how many of them went to triage."""
    counts: dict[str, Counter] = {}
    for row in messages:
        arrived = row["arrived"] or row["received"]
        day = dt.date.fromisoformat(arrived[:10]) if arrived else None
        if (start or end) and not _in(day, start, end):
            continue
        kind = "quarantaine" if row["status"] == "quarantined" else (row["type"] or "overig")
        counts.setdefault(kind, Counter())
        counts[kind]["totaal"] += 1
        counts[kind]["triage"] += row["status"] == "triage"
    return counts


def register_rows(store, drafts, now: dt.datetime, policy) -> list[tuple[str, str, dict]]:
    """(V-nummer, state, measurements) of every case, from the listing rows the drafter keeps; a case
    marked for reassessment is assessed here and now (not saved: this is a read)."""
    import json

    from docgen.register.procedure import assess

    rows = store.db.all("SELECT v_nummer, state, steps, dirty FROM cases ORDER BY v_nummer")
    out = []
    for row in rows:
        if row["dirty"]:
            case = assess(row["v_nummer"], store.events(row["v_nummer"]), drafts.finals(row["v_nummer"]), now, policy)
            out.append((case.v_nummer, str(case.state), measure(case)))
        else:
            out.append((row["v_nummer"], row["state"], json.loads(row["steps"] or "{}")))
    return out


def state_counts(rows: list[tuple[str, str, dict]]) -> Counter:
    return Counter(state for _, state, _ in rows)


def load_cases(store, drafts, now: dt.datetime, policy) -> list[Case]:
    """Every case in the register, assessed as of `now` (one query for events, one for final letters)."""
    from docgen.register.procedure import assess

    finals = drafts.finals_by_case()
    return [assess(v, events, finals.get(v, {}), now, policy) for v, events in store.all_events().items()]


def by_urgency(cases: list[Case], now: dt.datetime) -> list[Case]:
    """Overdue first, then by the next deadline, then cases with nothing due."""
    def key(case: Case):
        nxt = case.next_deadline()
        overdue = nxt is not None and nxt.status(now) == "verlopen"
        return (0 if overdue else 1, nxt.due if nxt else dt.date.max, case.v_nummer)
    return sorted(cases, key=key)
