"""Dutch number words 1..99, for dates written out in full ("twintig mei tweeduizend zesentwintig")."""

from __future__ import annotations

_UNITS = ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"]
_TENS = {20: "twintig", 30: "dertig", 40: "veertig", 50: "vijftig", 60: "zestig", 70: "zeventig", 80: "tachtig",
         90: "negentig"}


def _words(n: int) -> list[str]:
    """Spellings of 1..99: 'tweeëntwintig' is also typed 'tweeentwintig'."""
    if n < 10:
        return ["één", "een"] if n == 1 else [_UNITS[n]]
    if n < 20:
        return [_TEENS[n - 10]]
    tens, unit = divmod(n, 10)
    if unit == 0:
        return [_TENS[n]]
    joins = ["ën", "en"] if _UNITS[unit].endswith("e") else ["en"]
    return [f"{u}{j}{_TENS[tens * 10]}" for u in (["één", "een"] if unit == 1 else [_UNITS[unit]]) for j in joins]


NUMBER_WORDS: dict[str, int] = {w: n for n in range(1, 100) for w in _words(n)}
