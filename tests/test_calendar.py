"""Deadlines the way the Algemene termijnenwet counts them, on the tricky days of several years."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.register.calendar import (
    add_working_days,
    easter,
    extend_term,
    holidays,
    is_free,
    kings_day,
)

D = dt.date


@pytest.mark.parametrize("year,expected", [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)),
                                           (2027, D(2027, 3, 28)), (2038, D(2038, 4, 25)), (2285, D(2285, 3, 22))])
def test_easter(year, expected):
    assert easter(year) == expected


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday():
    assert D(2025, 4, 27).weekday() == 6 and kings_day(2025) == D(2025, 4, 26)
    assert D(2031, 4, 27).weekday() == 6 and kings_day(2031) == D(2031, 4, 26)
    assert kings_day(2026) == D(2026, 4, 27)


def test_the_law_lists_these_days_and_goede_vrijdag():
    names = set(holidays(2026).values())
    for name in ("Nieuwjaarsdag", "Goede Vrijdag (art. 3 lid 2)", "tweede Paasdag", "Hemelvaartsdag",
                 "tweede Pinksterdag", "Koningsdag", "5 mei", "eerste Kerstdag", "tweede Kerstdag"):
        assert name in names
    assert not is_free(D(2026, 6, 24))  # an ordinary Wednesday
    assert not is_free(D(2026, 11, 11))  # Sint-Maarten is no holiday of the law


TERMS = [  # (uitreiking, end of the two weeks, end as the law counts it, why)
    (D(2026, 3, 20), D(2026, 4, 3), D(2026, 4, 7), "Goede Vrijdag, weekend, tweede Paasdag"),
    (D(2026, 12, 11), D(2026, 12, 25), D(2026, 12, 28), "Kerstdagen and weekend"),
    (D(2026, 4, 20), D(2026, 5, 4), D(2026, 5, 6), "the Monday before 5 mei (Tuesday) and 5 mei"),
    (D(2025, 4, 12), D(2025, 4, 26), D(2025, 4, 28), "Koningsdag on Saturday 26 April, then Sunday"),
    (D(2026, 4, 30), D(2026, 5, 14), D(2026, 5, 18), "Hemelvaartsdag, the Friday after, weekend"),
    (D(2027, 5, 3), D(2027, 5, 17), D(2027, 5, 18), "tweede Pinksterdag"),
    (D(2026, 12, 18), D(2027, 1, 1), D(2027, 1, 4), "Nieuwjaarsdag on a Friday, weekend"),
    (D(2026, 6, 10), D(2026, 6, 24), D(2026, 6, 24), "an ordinary Wednesday"),
    (D(2027, 4, 12), D(2027, 4, 26), D(2027, 4, 28), "Monday before Koningsdag (Tuesday), Koningsdag"),
    (D(2027, 4, 22), D(2027, 5, 6), D(2027, 5, 10), "Hemelvaartsdag 6 May, the Friday, weekend"),
]


@pytest.mark.parametrize("start,plain,expected,why", TERMS, ids=[t[3] for t in TERMS])
def test_a_two_week_term_ends_on_the_next_working_day(start, plain, expected, why):
    assert start + dt.timedelta(days=14) == plain
    assert extend_term(start, plain) == expected


def test_article_2_a_short_term_holds_at_least_two_working_days():
    # Three days from Thursday 24 December 2026: 25th and 26th are Kerstdagen, 27th a Sunday.
    # Art. 1 alone would give Monday 28th, which leaves one working day; art. 2 asks for two.
    assert extend_term(D(2026, 12, 24), D(2026, 12, 27)) == D(2026, 12, 29)


def test_an_equated_day_in_december_counts_for_the_next_new_year():
    # 1 January 2030 is a Tuesday: the decrees equate Monday 31 December 2029.
    assert is_free(D(2029, 12, 31))


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)  # Thursday before Easter
    assert add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 18)  # the day before Hemelvaartsdag
