"""One clock for every decision: the system's, or a fixed day (`--today`) for replays and tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docgen.dates import AMSTERDAM


@dataclass(frozen=True)
class Clock:
    fixed: dt.datetime | None = None

    @classmethod
    def on(cls, day: dt.date | None) -> Clock:
        """A clock that stands at noon (Amsterdam) of `day`; the system clock when `day` is None."""
        return cls(dt.datetime.combine(day, dt.time(12), tzinfo=AMSTERDAM) if day else None)

    def now(self) -> dt.datetime:
        return self.fixed or dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.now().astimezone(AMSTERDAM).date()


SYSTEM = Clock()
