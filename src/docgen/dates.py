"""Dates as people read them here: Dutch (`3 maart 2026`), and month arithmetic for terms."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
UNKNOWN = "[datum onbekend]"


def dutch_date(value: dt.date | dt.datetime | str | None) -> str:
    """`3 maart 2026`; a placeholder a letter check will catch when the date is unknown."""
    if not value:
        return UNKNOWN
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return UNKNOWN
    local = value.astimezone(AMSTERDAM) if value.tzinfo else value
    return f"{dutch_date(local)} {local:%H:%M}"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_day(value: str) -> dt.date:
    """A day typed by a person: 2026-06-01, 1-6-2026, 01-06-2026, 1 juni 2026. ValueError with Dutch words."""
    text = " ".join(value.strip().lower().split())
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for sep in ("-", "/", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                break
    parts = text.split(" ")
    if len(parts) == 3 and parts[0].isdigit() and parts[1] in MONTHS and parts[2].isdigit():
        try:
            return dt.date(int(parts[2]), MONTHS.index(parts[1]) + 1, int(parts[0]))
        except ValueError:
            pass
    raise ValueError(f"‘{value}’ is geen datum; schrijf bijvoorbeeld 2026-06-01 of 1-6-2026")


def aware(value: dt.datetime) -> dt.datetime:
    """Register times without a zone were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


try:
    from zoneinfo import ZoneInfo

    AMSTERDAM = ZoneInfo("Europe/Amsterdam")
except Exception:  # noqa: BLE001 - no tz database on this machine: Dutch winter time is close enough
    AMSTERDAM = dt.timezone(dt.timedelta(hours=1))
