"""A case's state and deadlines follow from its events, whatever order or how often they arrive."""

from __future__ import annotations

import datetime as dt
import random

from docgen.register.procedure import assess
from docgen.register.store import Event

D = dt.date
V = "5878505886"


def ev(id_, kind, date, **fields):
    return Event(id_, V, kind, date, f"{date}T10:00:00+01:00", id_, {"datum": date, **fields})


STORY = [
    ev(1, "m55", "2026-02-22", soort="aangifte"),
    ev(2, "sepot", "2026-03-06", parketnummer="13/690786-24"),
    ev(3, "uitreiking", "2026-03-20"),
    ev(4, "uitstelverzoek", "2026-03-25", weken="2"),
    ev(5, "zienswijze", "2026-04-10"),
]


def _zienswijze(case):
    return next(d for d in case.deadlines if d.name == "zienswijze")


def test_the_zienswijze_term_is_extended_by_uitstel_and_by_the_law():
    case = assess(V, STORY, {}, D(2026, 4, 1))
    # 20 March + 2 weeks = 3 April (Goede Vrijdag); + 2 weeks uitstel = 17 April, a Friday.
    assert _zienswijze(case).due == D(2026, 4, 17)
    assert "2 weeks uitstel" in _zienswijze(case).basis


def test_events_arriving_in_any_order_give_the_same_case():
    expected = assess(V, STORY, {}, D(2026, 5, 1))
    for seed in range(10):
        shuffled = STORY[:]
        random.Random(seed).shuffle(shuffled)
        case = assess(V, shuffled, {}, D(2026, 5, 1))
        assert (case.state, case.deadlines, case.oddities) == (expected.state, expected.deadlines, expected.oddities)


def test_a_message_received_twice_counts_once_and_is_reported():
    twice = STORY + [ev(9, "uitreiking", "2026-03-20")]
    case = assess(V, twice, {}, D(2026, 4, 1))
    assert _zienswijze(case).due == D(2026, 4, 17)
    assert any("received twice" in odd for odd in case.oddities)


def test_a_case_first_seen_with_a_sepot_is_kept_and_called_odd():
    case = assess(V, [ev(2, "sepot", "2026-03-06")], {}, D(2026, 3, 6))
    assert case.state == "sepot"
    assert any("no M55" in odd for odd in case.oddities)
    assert next(d for d in case.deadlines if d.name == "voornemen").due == D(2026, 3, 9)


def test_an_uitstelverzoek_after_the_term_is_not_applied():
    late = STORY[:3] + [ev(4, "uitstelverzoek", "2026-04-20", weken="4")]
    case = assess(V, late, {}, D(2026, 4, 21))
    assert _zienswijze(case).due == D(2026, 4, 7)  # 3 April Goede Vrijdag → Tuesday 7 April
    assert any("after the term ended" in odd for odd in case.oddities)
    assert case.state == "intrekking"


def test_a_gegrond_beklag_revives_the_case():
    story = STORY[:3] + [ev(6, "beklag", "2026-03-25", soort="ingesteld"), ev(7, "beklag", "2026-09-07", soort="gegrond")]
    case = assess(V, story, {}, D(2026, 9, 8))
    assert case.state == "vervolging heropend"
    assert not any(d.name in ("zienswijze", "beschikking-intrekking") for d in case.deadlines)


def test_the_voornemen_deadline_is_met_when_drafted_in_time_and_late_otherwise():
    on_time = assess(V, STORY[:2], {"voornemen-intrekking": {2: D(2026, 3, 9)}}, D(2026, 3, 10))
    late = assess(V, STORY[:2], {"voornemen-intrekking": {2: D(2026, 3, 12)}}, D(2026, 3, 12))
    assert next(d for d in on_time.deadlines if d.name == "voornemen").status(D(2026, 3, 10)) == "met"
    assert next(d for d in late.deadlines if d.name == "voornemen").status(D(2026, 3, 12)) == "late"
    assert on_time.state == "voornemen"


def test_after_the_term_the_beschikking_intrekking_is_due():
    case = assess(V, STORY[:3], {}, D(2026, 4, 8))
    assert case.state == "intrekking"
    assert next(d for d in case.deadlines if d.name == "beschikking-intrekking").due == D(2026, 4, 8)
