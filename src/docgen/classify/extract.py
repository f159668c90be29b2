"""Find V-nummers, parketnummers, Dutch dates and the fields of each message type in text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import regex

from docgen.classify.patterns import Pattern, alternation, compile_pattern
from docgen.errors import RuleError
from docgen.yamlfile import load_yaml

_NUMBER_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8}
_NEAR_WINDOW = 120  # characters between a keyword and the date it introduces
_NOT_DIGIT = regex.compile(r"\D")
_AFTER_LABEL = regex.compile(r"[ \t]*:[ \t]*([^\n]+)")


@dataclass(frozen=True)
class Extractors:
    v_labelled: Pattern
    v_bare: Pattern
    v_not_after: Pattern
    bare_scopes: tuple[str, ...]
    bare_not_starting: tuple[str, ...]
    date: Pattern
    months: dict[str, int]
    parketnummer: Pattern
    fields: dict  # type → field → spec with compiled patterns
    name_before_v: Pattern | None  # "van Kwame Owusu, V-nummer ..."


def load_extractors(path: Path) -> Extractors:
    doc = load_yaml(path)
    p = str(path)
    try:
        v = doc["v_nummer"]
        months = {k.lower(): int(n) for k, n in doc["dates"]["months"].items()}
        fields_doc = doc["fields"]
        park = doc["parketnummer"]["pattern"]
    except (KeyError, TypeError) as exc:
        raise RuleError(p, None, f"missing section {exc}") from exc
    digits = r"(\d(?:[ .]?\d){9})(?![\d])"
    labels = alternation(v["labels"])
    person = fields_doc.get("person", {}).get("naam", {})
    name = r"(?-i:(?P<naam>\p{Lu}[\p{L}'’\-]+(?:\s+(?:(?:van|de|der|den|el|al|ter|ten)\s+)*\p{Lu}[\p{L}'’\-]+){0,4}))"
    before = person.get("before_v_nummer")
    month_names = alternation(sorted(months, key=len, reverse=True))
    date_src = (r"(?<!\d)(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{4})-(\d{2})-(\d{2})|"
                rf"(\d{{1,2}})\s+{month_names}\.?\s+(\d{{4}}))(?!\d)")
    return Extractors(
        v_labelled=compile_pattern(rf"(?<![\w-]){labels}\s*[:.#]?\s*(?:is\s+)?{digits}", p, v.line),
        v_bare=compile_pattern(r"(?<![\d/\-.,])(\d{10})(?![\d/\-]|[.,]\d)", p, v.line),
        v_not_after=compile_pattern(alternation(v["not_after"]) + r"\W{0,4}$", p, v.line),
        bare_scopes=tuple(v.get("unlabelled_in", [])),
        bare_not_starting=tuple(str(s) for s in v.get("unlabelled_not_starting_with", [])),
        date=compile_pattern(date_src, p, doc["dates"].line),
        months=months,
        parketnummer=compile_pattern(park, p, doc["parketnummer"].line),
        fields=_compile_fields(fields_doc, p),
        name_before_v=compile_pattern(rf"(?:{before}){name}\s*,?\s*(?:\(\s*)?{labels}", p, v.line) if before else None,
    )


def _compile_fields(doc: dict, path: str) -> dict:
    out: dict = {}
    for mtype, specs in doc.items():
        out[mtype] = {}
        for name, spec in specs.items():
            line = getattr(spec, "line", None)
            compiled = {}
            for key, value in spec.items():
                if key in ("label", "pattern", "before_v_nummer"):  # before_v_nummer: see name_before_v
                    compiled[key] = compile_pattern(value, path, line)
                elif key == "near":
                    compiled[key] = compile_pattern(alternation(value), path, line)
                elif key == "values":
                    compiled[key] = {v: compile_pattern(pat, path, line) for v, pat in value.items()}
                elif key == "default":
                    compiled[key] = value
                else:
                    raise RuleError(path, line, f"field {mtype}.{name}: unknown key {key!r}")
            out[mtype][name] = compiled
    return out


def v_nummers(ex: Extractors, scopes: dict[str, str]) -> list[str]:
    """V-nummers in order of appearance: labelled ones anywhere, bare ones where allowed.
    Each kind is one scan over the joined scopes (the order of the scopes is kept)."""
    found: list[str] = []
    for match in ex.v_labelled.finditer("\n\n".join(scopes.values())):
        _add(found, _NOT_DIGIT.sub("", match.group(1)))
    bare_text = "\n\n".join(text for scope, text in scopes.items() if scope in ex.bare_scopes)
    if bare_text:
        for match in ex.v_bare.finditer(bare_text):
            number = match.group(1)
            before = bare_text[max(0, match.start() - 30):match.start()]
            if number.startswith(ex.bare_not_starting) or ex.v_not_after.search(before):
                continue
            _add(found, number)
    return found


def _add(found: list[str], number: str) -> None:
    if len(number) == 10 and number not in found:
        found.append(number)


def parse_date(ex: Extractors, match) -> dt.date | None:
    g = match.groups()
    try:
        if g[0]:
            return dt.date(int(g[2]), int(g[1]), int(g[0]))
        if g[3]:
            return dt.date(int(g[3]), int(g[4]), int(g[5]))
        month_word = match.group(0).split()[1].rstrip(".").lower()
        return dt.date(int(g[7]), ex.months[month_word], int(g[6]))
    except (ValueError, KeyError, IndexError):
        return None


def dates_in(ex: Extractors, text: str) -> list[tuple[int, dt.date]]:
    out = []
    for match in ex.date.finditer(text):
        day = parse_date(ex, match)
        if day:
            out.append((match.start(), day))
    return out


def date_near(ex: Extractors, text: str, near: Pattern) -> dt.date | None:
    """The date closest to a keyword, within a short window on either side."""
    dates = dates_in(ex, text)
    best: tuple[int, dt.date] | None = None
    for keyword in near.finditer(text):
        for pos, day in dates:
            distance = pos - keyword.end() if pos >= keyword.end() else keyword.start() - pos
            if distance <= _NEAR_WINDOW and (best is None or distance < best[0]):
                best = (distance, day)
    return best[1] if best else None


def labelled_value(label: Pattern, text: str) -> str | None:
    """The rest of the line after 'Label:'."""
    for match in label.finditer(text):
        after = _AFTER_LABEL.match(text, match.end())
        if after:
            return after.group(1).strip()
    return None


def parketnummer(ex: Extractors, text: str) -> str | None:
    match = ex.parketnummer.search(text)
    return f"{match.group(1)}/{match.group(2)}-{match.group(3)}" if match else None


def weeks(spec: Pattern, text: str) -> str | None:
    match = spec.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    return str(int(word) if word.isdigit() else _NUMBER_WORDS[word])
