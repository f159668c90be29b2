"""The fields of each type of message (extractors.yaml `fields:`), as the procedure and the letters need them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docgen.classify import extract, literals
from docgen.classify.patterns import Pattern, alternation, compile_pattern
from docgen.classify.rules import from_word_start
from docgen.errors import RuleError
from docgen.model import EVENT_TYPES

_NUMBER_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8}
_SPEC_KEYS = {"label", "pattern", "values", "default", "near", "dateline", "otherwise", "flag", "keys", "status",
              "by_sender", "before_v_nummer", "denied", "senders"}
_OTHERWISE = ("received", "first_date")
_DATELINE = compile_pattern(r"^[ \t]*(?-i:\p{Lu}[\p{L}'’ \-]{1,40}),[ \t]*(?:\p{L}+dag[ \t]+)?$", "fields.py", None)
_SIGNATURE_LINES = 14
_LAST_WORD = re.compile(r"\w+\W*$")
_NUMBER = re.compile(r"\d{6}")
_NEEDS: dict[str, object] = {}  # pattern source → literals.required(source)


@dataclass(frozen=True)
class Texts:
    """What fields are read from: the message's own text (with attachments and forwards), its subject."""

    own: str  # body, forwarded messages, attachments
    body: str
    subject: str
    content: str  # subject + own
    attachment_name: str
    attachments: str
    sender: str
    sender_name: str
    roles: frozenset[str]
    received: dt.date | None


def compile_fields(doc: dict, path: str) -> dict:
    out: dict = {}
    for mtype, specs in doc.items():
        if mtype == "gemachtigde":
            out[mtype] = _compile_signature(specs, path)
            continue
        if mtype != "person" and mtype not in EVENT_TYPES:
            raise RuleError(path, getattr(specs, "line", None), f"fields for unknown type {mtype!r}")
        out[mtype] = {name: _compile_spec(mtype, name, spec, path) for name, spec in specs.items()}
    return out


def _compile_spec(mtype: str, name: str, spec, path: str) -> dict:
    line = getattr(spec, "line", None)
    if not isinstance(spec, dict) or set(spec) - _SPEC_KEYS:
        raise RuleError(path, line, f"field {mtype}.{name}: expected a mapping with keys from {sorted(_SPEC_KEYS)}")
    compiled: dict = {}
    for key, value in spec.items():
        if key in ("label", "pattern", "before_v_nummer"):
            compiled[key] = compile_pattern(from_word_start(value), path, line)
        elif key in ("near", "flag", "denied"):
            compiled[key] = compile_pattern(_any(value), path, line)
            _NEEDS[compiled[key].source] = literals.required(compiled[key].source)
        elif key == "values":
            compiled[key] = {v: compile_pattern(pat, path, line) for v, pat in value.items()}
        elif key == "keys":
            compiled[key] = {k: compile_pattern(_any(p), path, line) for k, p in value.items()}
        elif key == "status":
            compiled[key] = {k: compile_pattern(value[k], path, line) for k in ("mention", "filed")}
        elif key == "otherwise" and value not in _OTHERWISE:
            raise RuleError(path, line, f"field {mtype}.{name}: otherwise must be one of {list(_OTHERWISE)}")
        else:
            compiled[key] = value
    return compiled


def _any(value) -> str:
    return alternation([from_word_start(v) for v in (value if isinstance(value, list) else [value])])


def _compile_signature(spec, path: str) -> dict:
    line = getattr(spec, "line", None)
    try:
        return {"closing": compile_pattern(spec["closing"], path, line), "title": compile_pattern(spec["title"], path, line),
                "office": compile_pattern(alternation(spec["office"]), path, line),
                "street": compile_pattern(spec["street"], path, line), "postcode": compile_pattern(spec["postcode"], path, line)}
    except KeyError as exc:
        raise RuleError(path, line, f"gemachtigde: missing {exc}") from exc


class FieldReader:
    """Reads one message's fields; `counts(text, start, end)` says whether a keyword counts where it
    stands (context), so "niet uitgereikt op 3 mei" gives no date."""

    def __init__(self, ex: extract.Extractors, texts: Texts, counts=None, cancelled=None):
        self.ex = ex
        self.t = texts
        self.counts = counts or (lambda text, start, end: True)
        self.cancelled = cancelled or (lambda text, start, end, categories: None)
        self._dates: dict[int, list] = {}
        self._lowered = texts.own.lower()

    def dates(self, text: str) -> list:
        """Dates in one of the texts, without dates of birth (once per text)."""
        if id(text) not in self._dates:
            self._dates[id(text)] = extract.dates_in(self.ex, text, self.t.received, births=False)
        return self._dates[id(text)]

    def may_match(self, pattern: Pattern, text: str | None = None) -> bool:
        """A quick look whether the pattern can match the message's own text at all."""
        needs = _NEEDS.get(pattern.source, False)
        if needs is False:
            needs = _NEEDS[pattern.source] = literals.required(pattern.source)
        return literals.may_match(needs, self._lowered if text is None else text.lower())

    def read(self, mtype: str, v_nummers: tuple[str, ...]) -> dict:
        fields: dict = {}
        for name, spec in self.ex.fields.get(mtype, {}).items():
            if "senders" in spec and not set(spec["senders"]) & set(self.t.roles):
                continue
            value = self._field(mtype, name, spec)
            if value is not None:
                fields[name] = value
        if mtype in ("sepot", "beklag") or (mtype in EVENT_TYPES and not v_nummers):
            number = extract.parketnummer(self.ex, self.t.content) or extract.parketnummer(self.ex, self.t.attachment_name)
            if number:
                fields["parketnummer"] = number
        if mtype == "inschrijving_gemeente":
            number = extract.a_nummer(self.ex, self.t.content)
            if number:
                fields["a_nummer"] = number
        if mtype in EVENT_TYPES:
            fields.update(self._person())
            if self.t.sender:
                fields["afzender_adres"] = self.t.sender
        if mtype in ("zienswijze", "uitstelverzoek", "bezwaar", "beroep", "voortgezet_verblijf") and "gemachtigde" in self.ex.fields:
            fields.update(self._signature())
        return fields

    def _field(self, mtype: str, name: str, spec: dict):
        if "pattern" in spec and "near" in spec:
            return self._weeks(spec)
        if "near" in spec or "dateline" in spec or "otherwise" in spec:
            day = self._date(spec)
            return day.isoformat() if day else None
        if "values" in spec:
            return self._choice(spec)
        if "flag" in spec:
            return self._flag(spec["flag"])
        if "denied" in spec:
            return self._denied(spec["denied"])
        if "keys" in spec:
            return self._keys(spec["keys"]) or None
        if "status" in spec:
            return self._status(spec["status"])
        value = extract.labelled_value(spec["label"], self.t.own) if "label" in spec else None
        if not value and "pattern" in spec:
            for source in (self.t.own, self.t.sender_name):
                match = spec["pattern"].search(source)
                if match:
                    value = match.group(1)
                    break
        if not value and "by_sender" in spec:
            value = next((v for role, v in spec["by_sender"].items() if role in self.t.roles), None)
        return " ".join(value.split()).rstrip(".,;") if value else None

    def _date(self, spec: dict) -> dt.date | None:
        day = None
        if "near" in spec:
            for source in (self.t.own, self.t.subject):
                if not self.may_match(spec["near"], None if source is self.t.own else source):
                    continue
                day = extract.date_near(self.ex, source, spec["near"], self.t.received,
                                        counts=lambda s, e, source=source: self.counts(source, s, e),
                                        dates=self._dates.get(id(source)))
                if day:
                    break
        if day is None and spec.get("dateline"):
            day = self._dateline()
        if day is None and spec.get("otherwise") == "first_date":
            found = self.dates(self.t.body)
            day = found[0][2] if found else None
        if day is None and spec.get("otherwise") in ("received", "first_date"):
            day = self.t.received
        return day

    def _dateline(self) -> dt.date | None:
        """The letter's own date: 'Leiden, 28 april 2026' on a line of its own, the first one in the text."""
        for start, end, day in self.dates(self.t.own):
            line_start = self.t.own.rfind("\n", 0, start) + 1
            line_end = self.t.own.find("\n", end)
            rest = self.t.own[end:line_end if line_end >= 0 else len(self.t.own)].strip()
            if not rest and _DATELINE.match(self.t.own[line_start:start]):
                return day
        return None

    def _choice(self, spec: dict):
        values = spec["values"]
        if "label" in spec:
            labelled = extract.labelled_value(spec["label"], self.t.own)
            if labelled:
                for value, pattern in values.items():
                    if pattern.search(labelled):
                        return value
        for source in (self.t.subject, self.t.own):
            for value, pattern in values.items():
                if pattern.search(source):
                    return value
        return spec.get("default")

    def _flag(self, pattern: Pattern) -> bool | None:
        if not self.may_match(pattern):
            return None
        seen = None
        for match in pattern.finditer(self.t.own, limit=20):
            # the last word carries the fact: "het OM geeft geen toestemming" is judged at "toestemming"
            last = _LAST_WORD.search(match.group(0))
            start = match.start() + (last.start() if last else 0)
            if self.cancelled(self.t.own, start, match.end(), ("ontkenning",)) is None:
                return True
            seen = False
        return seen

    def _denied(self, pattern: Pattern) -> bool | None:
        """True when the text denies it anywhere ("het sepot is nog niet genomen"), whatever else it says."""
        if not self.may_match(pattern):
            return None
        for match in pattern.finditer(self.t.own, limit=20):
            if self.cancelled(self.t.own, match.start(), match.end(), ("ontkenning",)) is not None:
                return True
        return None

    def _keys(self, keys: dict) -> list[str]:
        text = self.t.subject + "\n" + self.t.body
        found = []
        for key, pattern in keys.items():
            match = pattern.search(text)
            if match:
                found.append((match.start(), key))
        return [key for _, key in sorted(found)]

    def _status(self, spec: dict) -> str | None:
        status = None
        for match in spec["mention"].finditer(self.t.own, limit=20):
            cue = self.cancelled(self.t.own, match.start(), match.end(), ("ontkenning", "verwachting", "vraag"))
            if cue is not None:
                status = status or ("aangekondigd" if cue.category == "verwachting" else None)
                continue
            first, last = _sentence(self.t.own, match.start(), match.end())
            return "ingediend" if spec["filed"].search(self.t.own, first, last) else "aangekondigd"
        return status

    def _weeks(self, spec: dict) -> str | None:
        text = self.t.subject + "\n" + self.t.own
        best: tuple[int, str] | None = None
        keywords = [(m.start(), m.end()) for m in spec["near"].finditer(text, limit=50)] if "near" in spec else []
        for match in spec["pattern"].finditer(text, limit=50):
            distance = min((max(k_start - match.end(), match.start() - k_end, 0) for k_start, k_end in keywords),
                           default=0)
            if best is None or distance < best[0]:
                word = match.group(1).lower()
                best = (distance, str(int(word) if word.isdigit() else _NUMBER_WORDS[word]))
        return best[1] if best else None

    def _person(self) -> dict:
        spec = self.ex.fields.get("person", {})
        out: dict = {}
        text = self.t.own
        match = self.ex.person_born.search(text)
        if match:
            out["naam"] = " ".join(match.group("naam").split())
            born = extract.dates_in(self.ex, text[match.end():match.end() + 40], self.t.received)
            if born and born[0][0] == 0:
                out["geboortedatum"] = born[0][2].isoformat()
        if "naam" in spec:
            name = extract.labelled_value(spec["naam"]["label"], text)
            if name and len(name) <= 60 and not _NUMBER.search(name):  # a name, not "Naam: zie V-nummer 1234567890"
                out["naam"] = name
            elif "naam" not in out and self.ex.name_before_v:
                found = self.ex.name_before_v.search(text) or self.ex.name_before_v.search(self.t.subject)
                if found:
                    out["naam"] = " ".join(found.group("naam").split())
        if "geboortedatum" in spec:
            value = extract.labelled_value(spec["geboortedatum"]["label"], text)
            found = extract.dates_in(self.ex, value or "", self.t.received)
            if found:
                out["geboortedatum"] = found[0][2].isoformat()
        return out

    def _signature(self) -> dict:
        for source in (self.t.body, self.t.attachments):
            found = read_signature(self.ex.fields["gemachtigde"], source)
            if found:
                return found
        return {}


def read_signature(spec: dict, text: str) -> dict:
    """Name, office and address of the lawyer who signs: the lines after the closing words."""
    lines = [part.strip() for line in text.split("\n") for part in line.split(" | ") if part.strip()]
    closing = max((i for i, line in enumerate(lines) if spec["closing"].search(line)), default=None)
    block = lines[closing + 1:closing + 1 + _SIGNATURE_LINES] if closing is not None else lines[-_SIGNATURE_LINES:]
    block = [line for line in block if len(line) <= 80]
    name = next((line for line in block if spec["title"].search(line)), None)
    office = next((line for line in block if spec["office"].search(line) and len(line.split()) >= 2
                   and line != name and "@" not in line), None)
    if name is None and office is not None:
        name = next((line for line in block[:block.index(office)]
                     if 2 <= len(line.split()) <= 5 and not any(c.isdigit() for c in line) and ":" not in line), None)
    if name is None and office is None:
        return {}
    out = {"gemachtigde_naam": name} if name else {}
    if office:
        out["gemachtigde_kantoor"] = office
    for i, line in enumerate(block[:-1]):
        if spec["street"].search(line) and spec["postcode"].search(block[i + 1]):
            out["gemachtigde_adres"] = f"{line}, {block[i + 1]}"
            break
    return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    from docgen.classify.context import sentence_bounds

    return sentence_bounds(text, start, end)
