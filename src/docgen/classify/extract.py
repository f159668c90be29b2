"""Find V-nummers, parketnummers, A-nummers and Dutch dates in text, as people type them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import regex

from docgen.classify.patterns import Pattern, alternation, compile_pattern
from docgen.classify.words import NUMBER_WORDS
from docgen.errors import RuleError
from docgen.yamlfile import load_yaml

_NEAR_WINDOW = 120  # characters between a keyword and the date it introduces
_NOT_DIGIT = regex.compile(r"\D")
_COLON = compile_pattern(r"[ \t]*[:|\t][ \t]*([^\n|]*\S)", "extract.py", None)  # "Label: value", "Label | value"
_NEXT_LINE = compile_pattern(r"[ \t]*[:|]?[ \t]*\n[ \t\n]*([^\n|]*\S)", "extract.py", None)  # a label alone on its line
_FORM_LABEL = compile_pattern(r"[ \t]+(\S[^\n|]*)", "extract.py", None)  # "Label value" (a form, a table row)


def name_pattern(group: str) -> str:
    """A person's name as written: capitals matter ('mevrouw P. Nakato', 'Kwame van der Berg')."""
    return (rf"(?-i:(?P<{group}>(?:\p{{Lu}}\.[ \t]*){{0,3}}\p{{Lu}}[\p{{Ll}}'’\-]+(?:[ \t]+(?:(?:van|de|der|den|el|al|ter|ten|da|"
            rf"dos|bin|ben)[ \t]+)*\p{{Lu}}[\p{{L}}'’\-]+){{0,4}}))")


@dataclass(frozen=True)
class Extractors:
    v_labelled: Pattern
    v_bare: Pattern
    v_not_after: Pattern
    bare_scopes: tuple[str, ...]
    bare_not_starting: tuple[str, ...]
    date: Pattern  # 3-2-2026, 2026-02-03
    date_words: Pattern  # 3 februari 2026, twintig mei tweeduizend zesentwintig, 3 maart (jl.)
    months: dict[str, int]
    birth: Pattern  # "geboren (op)": the date after it is a date of birth, never an event's date
    parketnummer: Pattern
    a_nummer: Pattern
    fields: dict  # type → field → spec with compiled patterns
    name_before_v: Pattern | None  # "van Kwame Owusu, V-nummer ..."
    person_born: Pattern  # "mevrouw Rose Addo, geboren op 17-08-1992"


def load_extractors(path: Path) -> Extractors:
    from docgen.classify.fields import compile_fields

    doc = load_yaml(path)
    p = str(path)
    try:
        v = doc["v_nummer"]
        months = {k.lower(): int(n) for k, n in doc["dates"]["months"].items()}
        birth = doc["dates"]["birth_labels"]
        fields_doc = doc["fields"]
        park = doc["parketnummer"]["pattern"]
        a_labels = doc["a_nummer"]["labels"]
    except (KeyError, TypeError) as exc:
        raise RuleError(p, None, f"missing section {exc}") from exc
    digits = r"(?P<v>\d(?:[ .\-]?\d){9})(?!\d)"
    labels = alternation(v["labels"])
    person = fields_doc.get("person", {}).get("naam", {})
    before = person.get("before_v_nummer")
    month_names = alternation(sorted(months, key=len, reverse=True))
    # A month name is looked for first and the day read from the word before it ("3", "twintig"):
    # that keeps the pattern fast. Day and year words are checked against the number words when read.
    numeric_src = (r"\b(?<![/.-])(?:(?P<d1>\d{1,2})[-/.](?P<m1>\d{1,2})[-/.](?P<y1>\d{4})|"
                   r"(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2}))(?![\w/-])")
    month_src = (rf"\b(?P<mon>{month_names})\b\.?"
                 r"(?:[ \t]+(?P<y3>\d{4}|tweeduizend(?:[ ]?(?:en[ ])?(?P<yw>\p{L}{3,16}))?))?(?![\w/-])")
    born = alternation(birth)
    return Extractors(
        v_labelled=compile_pattern(rf"\b(?<!-){labels}[\s:.#\-]{{0,6}}(?:is\s+)?{digits}", p, v.line),
        v_bare=compile_pattern(r"(?<![\p{L}\d/\-.,+])(\d{10})(?![\d/\-]|[.,]\d)", p, v.line),
        v_not_after=compile_pattern(alternation(v["not_after"]) + r"\W{0,4}$", p, v.line),
        bare_scopes=tuple(v.get("unlabelled_in", [])),
        bare_not_starting=tuple(str(s) for s in v.get("unlabelled_not_starting_with", [])),
        date=compile_pattern(numeric_src, p, doc["dates"].line),
        date_words=compile_pattern(month_src, p, doc["dates"].line),
        months=months,
        birth=compile_pattern(born + r"[\s:]*(?:op\s+)?$", p, doc["dates"].line),
        parketnummer=compile_pattern(park, p, doc["parketnummer"].line),
        a_nummer=compile_pattern(rf"\b(?<!-){alternation(a_labels)}[\s:.#]{{0,4}}(?:is\s+)?(?P<a>\d(?:[ .]?\d){{9}})(?!\d)", p,
                                 doc["a_nummer"].line),
        fields=compile_fields(fields_doc, p),
        name_before_v=compile_pattern(rf"(?:{before}){name_pattern('naam')}\s*,?\s*(?:\(\s*)?(?:{labels})"
                                      r"(?=[\s:.#-]{0,6}\d)", p, v.line)
        if before else None,
        person_born=compile_pattern(
            rf"\b(?:mevrouw|mevr\.|mw\.|meneer|dhr\.|de\s+heer|cliënte?|betrokkene|namens|van)\s+{name_pattern('naam')}"
            rf"\s*[,(]?\s*{born}[\s:]*(?:op\s+)?", p, v.line),
    )


def v_nummers(ex: Extractors, scopes: dict[str, str]) -> list[str]:
    """V-nummers in order of appearance: labelled ones anywhere, bare ones where allowed (never a
    phone number, an IBAN, an A-nummer or another reference). One scan per kind over the joined scopes."""
    found: list[str] = []
    for match in ex.v_labelled.finditer("\n\n".join(scopes.values()), limit=200):
        _add(found, _NOT_DIGIT.sub("", match.group("v")))
    bare_text = "\n\n".join(text for scope, text in scopes.items() if scope in ex.bare_scopes)
    if bare_text:
        for match in ex.v_bare.finditer(bare_text, limit=200):
            number = match.group(1)
            if number.startswith(ex.bare_not_starting) or ex.v_not_after.search(bare_text, max(0, match.start() - 30),
                                                                                  match.start()):
                continue
            _add(found, number)
    return found


def _add(found: list[str], number: str) -> None:
    if len(number) == 10 and number not in found:
        found.append(number)


_DAY_BEFORE = compile_pattern(r"\b(\d{1,2}|\p{L}{3,16})[ \t]+$", "extract.py", None)


def _read_date(ex: Extractors, text: str, match, received: dt.date | None) -> tuple[int, dt.date] | None:
    """(start, date) of a date match; a month name takes its day from the word before it."""
    g = match.groupdict()
    try:
        if g.get("d1"):
            return match.start(), dt.date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
        if g.get("y2"):
            return match.start(), dt.date(int(g["y2"]), int(g["m2"]), int(g["d2"]))
        before = _DAY_BEFORE.search(text, max(0, match.start() - 20), match.start())
        if not before:
            return None
        day_text = before.group(1).lower()
        day = int(day_text) if day_text.isdigit() else NUMBER_WORDS[day_text]
        month = ex.months[g["mon"].lower()]
        year_text = (g["y3"] or "").lower()
        if year_text:
            year = int(year_text) if year_text.isdigit() else 2000 + NUMBER_WORDS.get((g["yw"] or "").lower(), 0)
            return before.start(), dt.date(year, month, day)
        if received is None:
            return None
        this_year = dt.date(received.year, month, day)  # "op 3 maart jl.": the last 3 March
        return before.start(), this_year if this_year <= received + dt.timedelta(days=31) else this_year.replace(year=received.year - 1)
    except (ValueError, KeyError, TypeError):
        return None


def dates_in(ex: Extractors, text: str, received: dt.date | None = None,
             births: bool = True) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every date in the text; without `births`, dates of birth are left out."""
    out = []
    matches = ex.date.finditer(text, limit=500) + ex.date_words.finditer(text, limit=500)
    for match in sorted(matches, key=lambda m: m.start()):
        read = _read_date(ex, text, match, received)
        if read is None:
            continue
        start, day = read
        if not births and ex.birth.search(text, max(0, start - 25), start):
            continue
        out.append((start, match.end(), day))
    return out


def date_near(ex: Extractors, text: str, near: Pattern, received: dt.date | None = None,
              counts=None, dates: list | None = None) -> dt.date | None:
    """The date closest to a keyword, within a short window on either side; never a date of birth.
    `counts(start, end)` may reject a keyword (one that context cancels: "niet uitgereikt");
    `dates`: dates_in(text, births=False), when known."""
    keywords = near.finditer(text, limit=100)
    if not keywords:
        return None
    if dates is None:  # only the windows around the keywords are read for dates
        dates = []
        for low, high in _windows(keywords, len(text)):
            dates.extend((s + low, e + low, d) for s, e, d in dates_in(ex, text[low:high], received, births=False))
    pairs = []
    for start, end, day in dates:
        for keyword in keywords:
            distance = start - keyword.end() if start >= keyword.end() else keyword.start() - end
            if 0 <= distance <= _NEAR_WINDOW:
                pairs.append((distance, keyword.start(), keyword.end(), day))
    judged: dict[tuple[int, int], bool] = {}
    for _, k_start, k_end, day in sorted(pairs, key=lambda p: p[0]):
        if counts is not None and (k_start, k_end) not in judged:
            judged[(k_start, k_end)] = counts(k_start, k_end)
        if counts is None or judged[(k_start, k_end)]:
            return day
    return None


def _windows(keywords, length: int) -> list[tuple[int, int]]:
    """The stretches of text within reach of the keywords, merged where they overlap."""
    spans: list[list[int]] = []
    for keyword in keywords:
        low, high = max(0, keyword.start() - _NEAR_WINDOW - 40), min(length, keyword.end() + _NEAR_WINDOW + 40)
        if spans and low <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], high)
        else:
            spans.append([low, high])
    return [(low, high) for low, high in spans]


def labelled_value(label: Pattern, text: str, form: bool = True) -> str | None:
    """The value after 'Label:' or 'Label | value'; for a label that starts a line (a form, a table row)
    also the next line when the label stands alone, or 'Label value'."""
    for match in label.finditer(text, limit=20):
        rest = text[match.end():match.end() + 300]
        after = _COLON.match(rest)
        if after:
            return after.group(1).strip()
        if match.start() == 0 or text[match.start() - 1] in "\n|\t":
            after = _NEXT_LINE.match(rest) or (_FORM_LABEL.match(rest) if form else None)
            if after:
                return after.group(1).strip()
    return None


def parketnummer(ex: Extractors, text: str) -> str | None:
    match = ex.parketnummer.search(text)
    return f"{match.group(1)}/{match.group(2)}-{match.group(3)}" if match else None


def a_nummer(ex: Extractors, text: str) -> str | None:
    match = ex.a_nummer.search(text)
    return _NOT_DIGIT.sub("", match.group("a")) if match else None
