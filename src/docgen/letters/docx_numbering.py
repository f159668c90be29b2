"""List numbers as Writer (LibreOffice 7.4) counts them when it opens a DOCX, measured against it:

- every w:num over one w:abstractNum counts in one list (Writer maps them to one list id), so a
  second w:num without overrides continues the first;
- a w:num with a w:startOverride restarts that shared list once: at its first paragraph on a level
  it overrides, with that level's value; later paragraphs continue, and its overrides of other
  levels never fire (Writer records the restart per w:num, not per level);
- a paragraph whose text is all hidden is not printed, number and all, but it is counted;
- a level restarts at its start value after a higher level was used; a higher level never used
  before counts as used once at its start value (so "1.1" then "2.");
- labels follow w:lvlText with each level's format; the suffix is a tab, a space or nothing.

Anything beyond this (legal numbering, custom restart levels, picture bullets, number formats
other than decimal, letters, roman and bullets) raises `Unsupported`, and LibreOffice renders
the document instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.letters.docx_styles import Styles
from docgen.letters.ooxml import Unsupported, W, on, val

# What Symbol and Wingdings draw at the private-use code points Word and Writer write for bullets.
SYMBOL_FONTS = {
    "symbol": {"\uf0b7": "\u2022", "\uf02d": "\u2212"},
    "wingdings": {"\uf0a7": "\u25aa", "\uf0d8": "\u27a2", "\uf076": "\u2756", "\uf071": "\u2751",
                  "\uf06e": "\u25a0"},
}
FORMATS = {"decimal", "decimalZero", "upperRoman", "lowerRoman", "upperLetter", "lowerLetter",
           "bullet", "none"}


@dataclass(frozen=True)
class Level:
    fmt: str
    text: str
    start: int
    suffix: str
    hidden: bool
    style: str | None  # the paragraph style linked to this level
    indent: object     # the level's w:ind, which a paragraph's own indent overrides
    tab_stops: object  # the level's w:pPr, whose w:tabs the label's tab may use


@dataclass(frozen=True)
class Label:
    text: str
    indent: object
    tab_stops: object


@dataclass(frozen=True)
class Instance:
    abstract: str
    levels: dict[int, object]  # level number → w:lvl, read only when a paragraph uses it
    restarts: dict[int, int]  # level → its w:startOverride

    def level(self, n: int) -> Level:
        return _level(self.levels[n])


class Numbering:
    def __init__(self, root, styles: Styles):
        self._styles = styles
        self._abstract: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        self._nums: dict[str, object] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._used: dict[str, set[int]] = {}
        self._restarted: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            aid = val(abstract, "abstractNumId")
            self._abstract[aid] = {_int(val(lvl, "ilvl"), 0): lvl for lvl in abstract.findall(f"{W}lvl")}
            link = abstract.find(f"{W}numStyleLink")
            if link is not None:
                self._links[aid] = val(link)
        for element in root.iter(f"{W}num"):
            self._nums[val(element, "numId")] = element

    def instance(self, num_id: str | None, seen: frozenset = frozenset()) -> Instance | None:
        element = self._nums.get(num_id) if num_id not in (None, "0") else None
        if element is None:
            return None
        aid = val(element.find(f"{W}abstractNumId"))
        levels = dict(self._abstract.get(aid, {}))
        if aid in self._links and num_id not in seen:  # levels defined by a numbering style
            linked = self.instance(self._styles.numbering_link(self._links[aid]), seen | {num_id})
            if linked is None:
                raise Unsupported("numbering style link")
            aid, levels = linked.abstract, dict(linked.levels)
        restarts = {}
        for override in element.findall(f"{W}lvlOverride"):
            ilvl = _int(val(override, "ilvl"), 0)
            lvl = override.find(f"{W}lvl")
            if lvl is not None:
                levels[ilvl] = lvl
            start = override.find(f"{W}startOverride")
            if start is not None:
                restarts[ilvl] = _int(val(start), 0)
        return Instance(aid, levels, restarts)

    def label(self, num_id: str | None, ilvl: int | None, paragraph_style: str | None) -> Label | None:
        """Count one numbered paragraph and return its label with suffix, or None if it has none."""
        inst = self.instance(num_id)
        if inst is None:
            return None
        if ilvl is None:
            ilvl = next((n for n, lvl in inst.levels.items()
                         if paragraph_style and val(lvl.find(f"{W}pStyle")) == paragraph_style), 0)
        if ilvl not in inst.levels:
            return None
        counters = self._counters.setdefault(inst.abstract, {})
        used = self._used.setdefault(inst.abstract, set())
        for upper in range(ilvl):
            if upper not in used and upper in inst.levels:
                counters[upper] = inst.level(upper).start
                used.add(upper)
        if ilvl in inst.restarts and num_id not in self._restarted:
            self._restarted.add(num_id)
            counters[ilvl] = inst.restarts[ilvl]
        elif ilvl in used:
            counters[ilvl] = counters.get(ilvl, inst.level(ilvl).start) + 1
        else:
            counters[ilvl] = inst.level(ilvl).start
        used.add(ilvl)
        used.difference_update({n for n in used if n > ilvl})
        level = inst.level(ilvl)
        if level.hidden:
            return Label("", level.indent, level.tab_stops)
        if level.fmt == "bullet":
            text = level.text
        else:
            text = re.sub(r"%([1-9])", lambda m: _number(inst, int(m.group(1)) - 1, counters, ilvl), level.text)
        return Label(text + level.suffix, level.indent, level.tab_stops)


def _number(inst: Instance, n: int, counters: dict[int, int], ilvl: int) -> str:
    if n > ilvl or n not in inst.levels:
        raise Unsupported("list label naming a deeper level")
    fmt = inst.level(n).fmt
    value = counters.get(n, inst.level(n).start)
    if fmt == "none":
        return ""
    if fmt == "bullet":
        raise Unsupported("list label naming a bullet level")
    return format_number(value, fmt)


def _level(lvl) -> Level:
    if lvl.find(f"{W}isLgl") is not None and on(lvl.find(f"{W}isLgl")):
        raise Unsupported("legal list numbering")
    if lvl.find(f"{W}lvlRestart") is not None:
        raise Unsupported("list level restart rule")
    if lvl.find(f"{W}lvlPicBulletId") is not None:
        raise Unsupported("picture bullet")
    fmt = val(lvl.find(f"{W}numFmt"), default="decimal")
    if fmt not in FORMATS:
        raise Unsupported(f"list number format {fmt}")
    text = val(lvl.find(f"{W}lvlText"), default="") or ""
    if fmt == "bullet":
        fonts = lvl.find(f"{W}rPr/{W}rFonts")
        glyphs = SYMBOL_FONTS.get((val(fonts, "ascii") or val(fonts, "hAnsi") or "").lower(), {})
        text = "".join(glyphs.get(ch, ch) for ch in text)
        if any("\ue000" <= ch <= "\uf8ff" for ch in text):
            raise Unsupported("bullet from a symbol font")
    suffix = {"tab": "\t", "space": " ", "nothing": ""}.get(val(lvl.find(f"{W}suff"), default="tab"), "\t")
    rpr = lvl.find(f"{W}rPr")
    hidden = rpr is not None and on(rpr.find(f"{W}vanish"))
    if rpr is not None and (on(rpr.find(f"{W}caps")) or on(rpr.find(f"{W}smallCaps"))):
        text = text.upper()
    start = _int(val(lvl.find(f"{W}start")), 1) if fmt != "bullet" else 1
    return Level(fmt, text, start, suffix, hidden, val(lvl.find(f"{W}pStyle")), lvl.find(f"{W}pPr/{W}ind"),
                 lvl.find(f"{W}pPr"))


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise Unsupported("malformed number in the list definitions") from exc


def format_number(value: int, fmt: str) -> str:
    if fmt == "decimal":
        return str(value)
    if fmt == "decimalZero":
        return f"{value:02d}" if 0 <= value < 10 else str(value)
    if value <= 0:
        raise Unsupported(f"list number {value} in format {fmt}")
    if fmt in ("upperLetter", "lowerLetter"):  # a..z, aa..zz, aaa..: the letter repeated
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("upperRoman", "lowerRoman"):
        if value >= 4000:
            raise Unsupported("roman list number above 3999")
        numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out = ""
        for number, numeral in numerals:
            while value >= number:
                out, value = out + numeral, value - number
        return out.upper() if fmt == "upperRoman" else out
    raise Unsupported(f"list number format {fmt}")
