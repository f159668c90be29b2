"""Patterns typed by people: compiled when loaded, bounded in run time when matched (LESSONS 9).

Every pattern classify runs (rules, context cues, extractors) goes through `Pattern`, so every one
is cut off after TIMEOUT_SECONDS; within `message_budget()` the stages of one message check a
total budget as well (`check_budget`), so fifty slow patterns cannot add up to a stalled intake.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import regex

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
    """The work inside shares one deadline, checked with `check_budget` between steps."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_budget(step: str) -> None:
    """Raise PatternTimeout when the message's budget is spent (checked between rules and stages)."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise PatternTimeout(step, budget=True)


@dataclass(frozen=True)
class Pattern:
    source: str
    compiled: regex.Pattern


    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        try:
            return self.compiled.search(text, pos, len(text) if endpos is None else endpos,
                                        timeout=TIMEOUT_SECONDS)
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc

    def match(self, text: str, pos: int = 0):
        try:
            return self.compiled.match(text, pos, timeout=TIMEOUT_SECONDS)
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None, limit: int | None = None,
                 overlapped: bool = False) -> list:
        """All matches (at most `limit`), found within one time limit."""
        try:
            matches = self.compiled.finditer(text, pos, len(text) if endpos is None else endpos,
                                             overlapped=overlapped, timeout=TIMEOUT_SECONDS)
            if limit is None:
                return list(matches)
            found = []
            for match in matches:
                found.append(match)
                if len(found) >= limit:
                    break
            return found
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


    def scan(self, text: str, limit: int):
        """Matches one by one, so a caller that has seen enough stops the scan; one time limit for all."""
        try:
            for count, match in enumerate(self.compiled.finditer(text, timeout=TIMEOUT_SECONDS)):
                if count >= limit:
                    return
                yield match
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


def compile_pattern(source, path: str, line: int | None, flags: int = FLAGS) -> Pattern:
    if not isinstance(source, str) or not source:
        raise RuleError(path, line, f"a pattern must be a non-empty text, not {source!r}")
    try:
        return Pattern(source, regex.compile(source, flags))
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
