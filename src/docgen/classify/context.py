"""Whether a trigger phrase counts where it stands: negated, expected, failed, asked, past, someone else's.

This is the ConText algorithm (Harkema et al. 2009, the generalisation of NegEx) as clinlp applies
it to Dutch clinical text: cue lists per category with a direction (preceding, following, both),
a scope (words, within one sentence), terminators that end a scope and pseudo-cues that look
like cues but are none. We take clinlp's approach, not clinlp itself: clinlp is a spaCy pipeline
(tokeniser, sentenciser, matcher, intervaltree), so using it would add spaCy and its models to
the intake for a few dozen phrases per category, and its cue lists are written for medical
records ("familieanamnese", "uitgesloten"), not for chain mail. Here the cues live in
`inbox_rules/context.yaml` where a monitor can read them; they are written out into word
phrases (phrases.py) and matched on a sentence's words in one pass for all categories, so a
sentence costs microseconds; a cue that is no plain phrase runs as a pattern under the time
limit. Sentences are split with a small rule: full stops that end no abbreviation, question
marks, blank lines, a new line that starts a new item.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import regex

from docgen.classify.patterns import Pattern, compile_pattern
from docgen.classify.phrases import expand
from docgen.errors import RuleError
from docgen.yamlfile import check_keys, load_yaml

DIRECTIONS = ("preceding", "following", "both")
_KINDS = ("pseudo", "terminators", "unless")
_CATEGORY_KEYS = {"reason", "description", *DIRECTIONS, *_KINDS, "older_than_days", "max_words", "introduced_by"}
_WINDOW = 400  # characters searched on either side of a trigger for its sentence
_ABBREVIATIONS = ("mr|mw|mevr|dhr|drs|dr|ir|ing|prof|jl|art|nr|nrs|blz|pag|resp|ca|bijv|evt|incl|excl|tel|"
                  "st|vs|jo|mrs|ds|bc|ll|no|d\\.d|o\\.a|i\\.v\\.m|t\\.a\\.v|e\\.a|a\\.s|z\\.s\\.m|n\\.a\\.v|m\\.b\\.t|i\\.p\\.v")
_SENTENCE_END = compile_pattern(  # case matters here: a capital starts a sentence
    rf"\.(?<!(?:^|[\s(])(?i:{_ABBREVIATIONS}|\p{{L}})\.)(?=\s+[\p{{Lu}}\d\"'“(])|[!?](?=\s|$)|\n[ \t]*\n|"
    rf"\n(?=[ \t]*[\p{{Lu}}\d•*\->])", "context.py", None, flags=regex.MULTILINE | regex.V1)
# Words and marks of one sentence: a linear pattern over a bounded window, so the standard library's
# faster engine serves (the cues themselves are user data and run under the time limit).
_TOKENS = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
_DATE_AFTER_WORDS = 2  # "van", "d.d.": a date after the trigger only counts right after it


@dataclass(frozen=True)
class Cue:
    """A cue that cancels a trigger: which category, the words found, and why in Dutch."""

    category: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.text!r} ({self.reason})"


@dataclass(frozen=True)
class CueGroup:
    direction: str
    max_words: int | None  # None: the whole sentence
    patterns: tuple[Pattern, ...] = ()  # cues that are no plain phrase


@dataclass(frozen=True)
class Category:
    name: str
    reason: str
    groups: tuple[CueGroup, ...]
    patterns: tuple[tuple[str, Pattern], ...] = ()  # (kind, pattern) for pseudo/terminators/unless that are no phrase
    older_than_days: int | None = None
    max_words: int | None = None
    introduced_by: Pattern | None = None  # a date before the trigger tells its time only after these words


@dataclass(frozen=True)
class Context:
    categories: dict[str, Category]
    lexicon: dict[str, tuple]  # first word → ((words, category, kind, group index), ...)


def load_context(path: Path) -> Context:
    doc = load_yaml(path)
    p = str(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("categories"), dict) or not doc["categories"]:
        raise RuleError(p, getattr(doc, "line", None), "expected a mapping 'categories:' of context categories")
    lexicon: dict[str, list] = {}
    categories = {name: _category(name, raw, p, lexicon) for name, raw in doc["categories"].items()}
    return Context(categories, {word: tuple(entries) for word, entries in lexicon.items()})


def _category(name: str, raw, path: str, lexicon: dict) -> Category:
    line = check_keys(raw, path, f"context category {name!r}", _CATEGORY_KEYS, ("reason",))
    groups: list[CueGroup] = []
    for direction in DIRECTIONS:
        if direction in raw:
            groups.extend(_groups(name, raw[direction], direction, path, getattr(raw[direction], "line", line),
                                  lexicon, len(groups)))
    patterns: list[tuple[str, Pattern]] = []
    for kind in _KINDS:
        items = raw.get(kind)
        if items is None:
            continue
        if not isinstance(items, list) or not items:
            raise RuleError(path, line, f"context category {name!r}: {kind} is a list of phrases")
        for item in items:
            pattern = _learn(str(item), name, kind, None, path, line, lexicon)
            if pattern:
                patterns.append((kind, pattern))
    days = raw.get("older_than_days")
    if days is not None and (not isinstance(days, int) or days < 1):
        raise RuleError(path, line, f"context category {name!r}: older_than_days must be a whole number of days")
    if not groups and days is None:
        raise RuleError(path, line, f"context category {name!r} has no cues")
    introduced = raw.get("introduced_by")
    return Category(name=name, reason=str(raw["reason"]), groups=tuple(groups), patterns=tuple(patterns),
                    older_than_days=days, max_words=raw.get("max_words"),
                    introduced_by=compile_pattern(rf"(?<!\w)(?:{'|'.join(introduced)})\s*$", path, line) if introduced else None)


def _groups(category: str, raw, direction: str, path: str, line: int | None, lexicon: dict, first: int) -> list[CueGroup]:
    if not isinstance(raw, dict) or not isinstance(raw.get("cues"), list) or not raw["cues"]:
        raise RuleError(path, line, f"{direction}: expects a mapping with a list 'cues:' (and optional max_words)")
    default = raw.get("max_words")
    by_scope: dict[int | None, list[str]] = {}
    for cue in raw["cues"]:
        if isinstance(cue, dict):
            if set(cue) - {"cue", "max_words"} or "cue" not in cue:
                raise RuleError(path, getattr(cue, "line", line), "a cue with its own scope is {cue: ..., max_words: N}")
            by_scope.setdefault(cue.get("max_words", default), []).append(str(cue["cue"]))
        else:
            by_scope.setdefault(default, []).append(str(cue))
    groups = []
    for index, (scope, cues) in enumerate(by_scope.items(), start=first):
        patterns = [p for c in cues if (p := _learn(c, category, "cue", index, path, line, lexicon))]
        groups.append(CueGroup(direction, scope, tuple(patterns)))
    return groups


def _learn(cue: str, category: str, kind: str, group: int | None, path: str, line, lexicon: dict) -> Pattern | None:
    """Put the phrases of a cue in the lexicon; a cue that is no plain phrase comes back as a pattern."""
    phrases = expand(cue)
    if phrases is None:
        start = "" if cue[:1] in ",;:.?!" or (cue[:1] == "\\" and not cue[1:2].isalnum()) else r"(?<!\w)"
        return compile_pattern(f"{start}(?:{cue})(?!\\w)", path, line)
    for words in phrases:
        lexicon.setdefault(words[0], []).append((words, category, kind, group))
    return None


def sentence_bounds(text: str, start: int, end: int, ends: list | None = None) -> tuple[int, int]:
    """The sentence around text[start:end], with its final punctuation. `ends`: sentence_ends(text), when known."""
    if ends is None:
        low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
        ends = sentence_ends(text, low, high)
    else:
        low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    i = bisect.bisect_right(ends, (start, len(text) + 1))
    first = low
    for _start, e_end in reversed(ends[:i]):
        if e_end <= start:
            first = max(low, e_end)
            break
    last = high
    for e_start, e_end in ends[i:]:
        if e_start >= end:
            last = min(high, e_end if text[e_start] in "?!." else e_start)
            break
    return first, last


def sentence_ends(text: str, low: int = 0, high: int | None = None) -> list[tuple[int, int]]:
    """Where sentences end: (start, end) of each full stop, question mark or line break that ends one."""
    return [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text, low, len(text) if high is None else high,
                                                                 limit=20_000)]


@dataclass
class _Found:
    """One category's cues in one sentence."""

    cues: list  # (start, end, group index, words)
    terminators: list
    pseudo: list
    unless: bool = False
    patterns_read: bool = False  # the cues that are patterns, not phrases, have been looked for


class Qualifier:
    """Judges triggers in one message's texts; remembers the sentences it has read."""

    def __init__(self, context: Context, received: dt.date | None = None, dates=None):
        self.context = context
        self.received = received
        self.dates = dates  # callable: text -> [(start, end, date)]
        self._sentences: dict[tuple, dict[str, _Found]] = {}
        self._ends: dict[int, tuple[str, list]] = {}

    def cancelling_cue(self, text: str, start: int, end: int, categories: tuple[str, ...]) -> Cue | None:
        """The nearest cue of these categories whose scope covers the trigger text[start:end], if any."""
        known = self._ends.get(id(text))
        if known is None or known[0] is not text:
            known = self._ends[id(text)] = (text, sentence_ends(text))
        first, last = sentence_bounds(text, start, end, known[1])
        found = self._read(text, first, last)
        best: tuple[int, Cue] | None = None
        for name in categories:
            category = self.context.categories[name]
            for distance, cue in self._candidates(category, found, text, first, last, start, end):
                if best is None or (distance, -len(cue.text)) < (best[0], -len(best[1].text)):
                    best = (distance, cue)
        return best[1] if best else None

    def _candidates(self, category: Category, found: dict, text: str, first: int, last: int, start: int, end: int):
        mine = self._with_patterns(category, found, text, first, last)
        if not mine.unless:
            for cue_start, cue_end, index, words in mine.cues:
                group = category.groups[index]
                if cue_start < end and cue_end > start:
                    continue  # the cue is part of the trigger itself ("niet verder vervolgen")
                if any(p_start <= cue_start and cue_end <= p_end for p_start, p_end in mine.pseudo):
                    continue
                if cue_end <= start and group.direction in ("preceding", "both"):
                    gap = (cue_end, start)
                elif cue_start >= end and group.direction in ("following", "both"):
                    gap = (end, cue_start)
                else:
                    continue
                if group.max_words is not None and len(_WORD.findall(text, gap[0], gap[1])) > group.max_words:
                    continue
                if any(t_start >= gap[0] and t_end <= gap[1] for t_start, t_end in mine.terminators):
                    continue
                yield gap[1] - gap[0], Cue(category.name, words, category.reason)
        if category.older_than_days and self.received and self.dates:
            yield from self._old_dates(category, text, first, last, start, end)

    def _old_dates(self, category: Category, text: str, first: int, last: int, start: int, end: int):
        limit = self.received - dt.timedelta(days=category.older_than_days)
        for d_start, d_end, day in self.dates(text[first:last]):
            d_start, d_end = d_start + first, d_end + first
            if d_end <= start:  # "op 3 maart jl. heeft cliënte een aanvraag ingediend"
                if category.introduced_by and not category.introduced_by.search(text, max(0, d_start - 12), d_start):
                    continue  # "uw voornemen d.d. 20 augustus": the date of something else
                gap, scope = (d_end, start), category.max_words
            elif d_start >= end:  # "de zienswijze van 2 maart": the date names the trigger's first word itself
                first_word = _WORD.search(text, start, end)
                gap, scope = (first_word.end() if first_word else end, d_start), _DATE_AFTER_WORDS
            else:
                continue
            if day < limit and (scope is None or len(_WORD.findall(text, gap[0], gap[1])) <= scope):
                yield gap[1] - gap[0], Cue(category.name, text[d_start:d_end], category.reason)

    def _read(self, text: str, first: int, last: int) -> dict[str, _Found]:
        """Every category's phrase cues in one sentence, in one pass over its words."""
        key = (id(text), first, last)
        if key in self._sentences:
            return self._sentences[key]
        lowered = text[first:last].lower()
        tokens = [(first + m.start(), first + m.end(), m.group(0)) for m in _TOKENS.finditer(lowered)]
        found: dict[str, _Found] = {}
        lexicon = self.context.lexicon
        for i, (t_start, _, word) in enumerate(tokens):
            if word not in lexicon:
                continue
            for words, category, kind, group in lexicon.get(word, ()):
                n = len(words)
                if n > 1 and tuple(t[2] for t in tokens[i:i + n]) != words:
                    continue
                span = (t_start, tokens[i + n - 1][1])
                entry = found.setdefault(category, _Found([], [], []))
                if kind == "cue":
                    entry.cues.append((*span, group, " ".join(words)))
                elif kind == "terminators":
                    entry.terminators.append(span)
                elif kind == "pseudo":
                    entry.pseudo.append(span)
                else:
                    entry.unless = True
        self._sentences[key] = found
        return found

    def _with_patterns(self, category: Category, found: dict, text: str, first: int, last: int) -> _Found:
        """The category's cues in the sentence, with those that are patterns rather than phrases (once)."""
        mine = found.setdefault(category.name, _Found([], [], []))
        if mine.patterns_read:
            return mine
        for index, group in enumerate(category.groups):
            for pattern in group.patterns:
                for m in pattern.finditer(text, first, last, limit=20):
                    mine.cues.append((m.start(), m.end(), index, " ".join(m.group(0).split())))
        for kind, pattern in category.patterns:
            spans = [(m.start(), m.end()) for m in pattern.finditer(text, first, last, limit=20)]
            if kind == "unless" and spans:
                mine.unless = True
            elif kind in ("terminators", "pseudo"):
                getattr(mine, kind).extend(spans)
        mine.patterns_read = True
        return mine
