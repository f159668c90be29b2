"""Patterns typed by people: compiled when loaded, bounded in run time when matched (LESSONS 9).

Every pattern classify runs (rules, context cues, extractors) goes through `Pattern`, so every one
is cut off after TIMEOUT_SECONDS; within `message_budget()` all patterns of one message share a
total budget as well, so fifty slow patterns cannot add up to a stalled intake.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import regex

from docgen.classify import literals
from docgen.errors import RuleError

TIMEOUT_SECONDS = 0.25
MESSAGE_BUDGET_SECONDS = 2.0
FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.V0

_deadline: ContextVar[float | None] = ContextVar("pattern_deadline", default=None)


class PatternTimeout(Exception):
    """A pattern ran longer than its time limit on some text and was cut off."""

    def __init__(self, source: str, budget: bool = False):
        self.source = source
        self.budget = budget
        what = f"the message's budget of {MESSAGE_BUDGET_SECONDS}s" if budget else f"{TIMEOUT_SECONDS}s"
        super().__init__(f"pattern {source[:80]!r} was cut off after {what}")


@contextmanager
def message_budget(seconds: float = MESSAGE_BUDGET_SECONDS):
    """All patterns matched inside share one deadline."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _timeout(source: str) -> float:
    deadline = _deadline.get()
    if deadline is None:
        return TIMEOUT_SECONDS
    left = deadline - time.monotonic()
    if left <= 0:
        raise PatternTimeout(source, budget=True)
    return min(TIMEOUT_SECONDS, left)


_LOWERED: dict[int, tuple[str, str]] = {}


def _lowered(text: str) -> str:
    """The text in lower case, remembered for the few texts of the message being read."""
    known = _LOWERED.get(id(text))
    if known is None or known[0] is not text:
        if len(_LOWERED) > 64:
            _LOWERED.clear()
        known = _LOWERED[id(text)] = (text, text.lower())
    return known[1]


@dataclass(frozen=True)
class Pattern:
    source: str
    compiled: regex.Pattern
    needs: object = None  # literals.required(source): texts without which it cannot match

    def _cannot_match(self, text: str, pos: int, endpos: int | None) -> bool:
        return (self.needs is not None and pos == 0 and endpos is None and len(text) > 64
                and not literals.may_match(self.needs, _lowered(text)))

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        if self._cannot_match(text, pos, endpos):
            return None
        try:
            return self.compiled.search(text, pos, len(text) if endpos is None else endpos,
                                        timeout=_timeout(self.source))
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc

    def match(self, text: str, pos: int = 0):
        try:
            return self.compiled.match(text, pos, timeout=_timeout(self.source))
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None, limit: int | None = None,
                 overlapped: bool = False) -> list:
        """All matches (at most `limit`), found within one time limit."""
        if self._cannot_match(text, pos, endpos):
            return []
        try:
            found = []
            for match in self.compiled.finditer(text, pos, len(text) if endpos is None else endpos,
                                                overlapped=overlapped, timeout=_timeout(self.source)):
                found.append(match)
                if limit is not None and len(found) >= limit:
                    break
            return found
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


    def scan(self, text: str, limit: int):
        """Matches one by one, so a caller that has seen enough stops the scan; one time limit for all."""
        if self._cannot_match(text, 0, None):
            return
        try:
            for count, match in enumerate(self.compiled.finditer(text, timeout=_timeout(self.source))):
                if count >= limit:
                    return
                yield match
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


def compile_pattern(source, path: str, line: int | None, flags: int = FLAGS) -> Pattern:
    if not isinstance(source, str) or not source:
        raise RuleError(path, line, f"a pattern must be a non-empty text, not {source!r}")
    try:
        return Pattern(source, regex.compile(source, flags), literals.required(source))
    except regex.error as exc:
        raise RuleError(path, line, f"pattern {source!r} is not a valid regular expression: {exc}") from exc


def compile_patterns(value, path: str, line: int | None) -> tuple[Pattern, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise RuleError(path, line, "an empty list of patterns never matches")
    return tuple(compile_pattern(item, path, line) for item in items)


def compile_any(value, path: str, line: int | None) -> Pattern:
    """A list of patterns as one: each is checked on its own first (for a precise error), then
    joined, so the text is scanned once instead of once per pattern."""
    patterns = compile_patterns(value, path, line)
    if len(patterns) == 1:
        return patterns[0]
    return compile_pattern(alternation([p.source for p in patterns]), path, line)


def alternation(sources: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{s})" for s in sources) + ")"
