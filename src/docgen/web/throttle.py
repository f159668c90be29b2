"""Login throttling: a name, or an address, that failed too often in a window is locked for a while.

An attempt is counted as a failure before its password is checked (and forgiven when it
succeeds), so a burst of parallel guesses is counted too. Unknown names are counted and
locked exactly like real ones: a lockout tells nothing about which names exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
PER_NAME = 5  # failures of one name in the window
PER_ADDRESS = 30  # failures from one address in the window (a unit behind one NAT shares it)


@dataclass(frozen=True)
class Lockout:
    until: float
    by: str  # "name" or "address"

    def message(self, at: float) -> str:
        minutes = max(1, math.ceil((self.until - at) / 60))
        who = "deze naam" if self.by == "name" else "dit adres"
        unit = "minuut" if minutes == 1 else "minuten"
        return (f"Te veel mislukte pogingen om in te loggen met {who}. "
                f"Probeer het over {minutes} {unit} opnieuw.")


def lockout(by_name: list[float], by_address: list[float], at: float) -> Lockout | None:
    """Locked until the failure that reached the limit leaves the window; times are newest first."""
    found = []
    for times, limit, by in ((by_name, PER_NAME, "name"), (by_address, PER_ADDRESS, "address")):
        recent = [t for t in times if t > at - WINDOW_SECONDS]
        if len(recent) >= limit:
            found.append(Lockout(recent[limit - 1] + WINDOW_SECONDS, by))
    return max(found, key=lambda lock: lock.until) if found else None


def begin(accounts, name: str, address: str, at: float) -> Lockout | None:
    """A lockout, or None after counting this attempt as a failure until it succeeds."""
    with accounts.db.transaction():
        by_name, by_address = accounts.recent_failures(name, address, at - WINDOW_SECONDS)
        lock = lockout(by_name, by_address, at)
        if lock is None:
            accounts.add_failure(name, address, at, forget_before=at - WINDOW_SECONDS)
        return lock


def succeeded(accounts, name: str) -> None:
    accounts.clear_failures(name)
