"""Days as the Algemene termijnenwet (Atw) counts them. Pure functions; no holiday library.

Art. 3 lid 1: Nieuwjaarsdag, tweede Paas- en Pinksterdag, beide Kerstdagen, Hemelvaartsdag, the day
the King's birthday is celebrated, and 5 mei. Lid 2: Goede Vrijdag. Lid 3: days equated by decree,
published for three years at a time; see equated_days.yaml.
Art. 1: a term ending on a Saturday, Sunday or such day runs to the next day that is none of them.
Art. 2: a term of three days or more is extended until it holds at least two such other days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

DAY = dt.timedelta(days=1)
EQUATED_FILE = Path(__file__).with_name("equated_days.yaml")


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def kings_day(year: int) -> dt.date:
    """Koningsdag: 27 April, on the 26th when the 27th is a Sunday (from 2014; before: 30/29 April)."""
    day = dt.date(year, 4, 27) if year >= 2014 else dt.date(year, 4, 30)
    return day - DAY if day.weekday() == 6 else day


@lru_cache(maxsize=256)
def holidays(year: int) -> dict[dt.date, str]:
    """The days of art. 3 lid 1 and 2, and the equated days of lid 3, with their names."""
    e = easter(year)
    days = {
        dt.date(year, 1, 1): "Nieuwjaarsdag",
        e - 2 * DAY: "Goede Vrijdag (art. 3 lid 2)",
        e + DAY: "tweede Paasdag",
        e + 39 * DAY: "Hemelvaartsdag",
        e + 50 * DAY: "tweede Pinksterdag",
        kings_day(year): "Koningsdag",
        dt.date(year, 5, 5): "5 mei",
        dt.date(year, 12, 25): "eerste Kerstdag",
        dt.date(year, 12, 26): "tweede Kerstdag",
    }
    for day, name in equated_days(year).items():
        days.setdefault(day, name)
    return days


def equated_days(year: int) -> dict[dt.date, str]:
    """Art. 3 lid 3: the decree's days. The decrees have followed one pattern for decades; the file
    lists the years it was checked against the Staatscourant and any day that differs."""
    config = _equated_config()
    days = _decree_pattern(year) if config.get("pattern", True) else {}
    for entry in config.get("add", []) or []:
        day = dt.date.fromisoformat(str(entry["date"]))
        if day.year == year:
            days[day] = entry.get("name", "gelijkgestelde dag (art. 3 lid 3)")
    for entry in config.get("remove", []) or []:
        days.pop(dt.date.fromisoformat(str(entry)), None)
    return days


def _decree_pattern(year: int) -> dict[dt.date, str]:
    name = "gelijkgestelde dag (art. 3 lid 3)"
    days: dict[dt.date, str] = {easter(year) + 40 * DAY: name}  # the Friday after Hemelvaartsdag
    for holiday in (dt.date(year, 1, 1), kings_day(year), dt.date(year, 5, 5), dt.date(year, 12, 25)):
        if holiday.weekday() == 1:  # a Tuesday: the Monday before
            days[holiday - DAY] = name
    for holiday in (dt.date(year, 1, 1), kings_day(year), dt.date(year, 5, 5), dt.date(year, 12, 26)):
        if holiday.weekday() == 3:  # a Thursday: the Friday after
            days[holiday + DAY] = name
    ascension = easter(year) + 39 * DAY
    if ascension == dt.date(year, 5, 7):  # the Wednesday between 5 mei and Hemelvaartsdag
        days[dt.date(year, 5, 6)] = name
    return days


@lru_cache(maxsize=1)
def _equated_config() -> dict:
    if not EQUATED_FILE.exists():
        return {}
    return yaml.safe_load(EQUATED_FILE.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=8192)
def is_free(day: dt.date) -> bool:
    """Saturday, Sunday or a day of art. 3."""
    # An equated day can lie in the year before its holiday (31 December before 1 January).
    return day.weekday() >= 5 or day in holidays(day.year) or day in holidays(day.year + 1)


@lru_cache(maxsize=64)
def _working_days_before(year: int) -> tuple[int, tuple[int, ...]]:
    """(working days from 1 January 2000 to 1 January of `year`, running count within the year per day)."""
    start = dt.date(year, 1, 1)
    before = 0 if year <= 2000 else _working_days_before(year - 1)[0] + _working_days_before(year - 1)[1][-1]
    running, count = [], 0
    day = start
    while day.year == year:
        count += not is_free(day)
        running.append(count)
        day += DAY
    return before, tuple(running)


def _working_index(day: dt.date) -> int:
    """Working days from 1 January 2000 up to and including `day` (a prefix sum: O(1) per call)."""
    before, running = _working_days_before(day.year)
    return before + running[day.timetuple().tm_yday - 1]


def extend_term(start: dt.date, end: dt.date) -> dt.date:
    """Apply Atw art. 2 (terms of three days or more) and then art. 1 to a computed end date."""
    if (end - start).days >= 3:
        while sum(1 for n in range(1, (end - start).days + 1) if not is_free(start + n * DAY)) < 2:
            end += DAY
    while is_free(end):
        end += DAY
    return end


def add_working_days(start: dt.date, count: int) -> dt.date:
    day = start
    while count > 0:
        day += DAY
        if not is_free(day):
            count -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    if start.year < 2000:
        return sum(1 for n in range(1, (end - start).days + 1) if not is_free(start + n * DAY))
    return _working_index(end) - _working_index(start)
