"""Patterns typed by people: compiled when loaded, bounded in run time when matched (LESSONS 9)."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from docgen.errors import RuleError

TIMEOUT_SECONDS = 0.25
FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.V0


class PatternTimeout(Exception):
    """A pattern ran longer than TIMEOUT_SECONDS on some text and was cut off."""

    def __init__(self, source: str):
        self.source = source
        super().__init__(f"pattern {source!r} was cut off after {TIMEOUT_SECONDS}s")


@dataclass(frozen=True)
class Pattern:
    source: str
    compiled: regex.Pattern

    def search(self, text: str):
        try:
            return self.compiled.search(text, timeout=TIMEOUT_SECONDS)
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc

    def finditer(self, text: str):
        try:
            return list(self.compiled.finditer(text, timeout=TIMEOUT_SECONDS))
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


def compile_pattern(source, path: str, line: int | None) -> Pattern:
    if not isinstance(source, str) or not source:
        raise RuleError(path, line, f"a pattern must be a non-empty text, not {source!r}")
    try:
        return Pattern(source, regex.compile(source, FLAGS))
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
