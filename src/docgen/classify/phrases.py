"""Cue phrases: a pattern of literal words with (a|b) and ? written out into the phrases it stands for.

Context cues are short phrases; matching them word by word against a sentence's tokens is an
order of magnitude faster than a regular expression with fifty alternatives. A cue that uses more
than literals, groups, alternatives and '?' (say \\d or \\s*) stays a regular expression.
"""

from __future__ import annotations

import regex

MAX_PHRASES = 400  # per cue; more means the cue is better left a regular expression
TOKEN = regex.compile(r"\w+|[^\w\s]")
_ESCAPABLE = set(".?()-,;:!'\"/&+*[]{}|\\ ")


def expand(pattern: str) -> list[tuple[str, ...]] | None:
    """The token sequences a cue pattern matches, lower case; None when it is no plain phrase pattern."""
    try:
        texts, at = _alternatives(pattern, 0)
    except _NotPlain:
        return None
    if at != len(pattern) or len(texts) > MAX_PHRASES:
        return None
    phrases = {tuple(TOKEN.findall(t.lower())) for t in texts}
    return None if () in phrases else sorted(phrases)


def spellings(pattern: str, limit: int = 8) -> list[str] | None:
    """Every text a small plain pattern matches, lower case ('a-?nummer' → 'a-nummer', 'anummer')."""
    try:
        texts, at = _alternatives(pattern, 0)
    except _NotPlain:
        return None
    if at != len(pattern) or len(texts) > limit or "" in texts:
        return None
    return sorted({t.lower() for t in texts})


class _NotPlain(Exception):
    pass


def _alternatives(p: str, at: int) -> tuple[list[str], int]:
    options: list[str] = []
    while True:
        seq, at = _sequence(p, at)
        options.extend(seq)
        if at < len(p) and p[at] == "|":
            at += 1
            continue
        return options, at


def _sequence(p: str, at: int) -> tuple[list[str], int]:
    results = [""]
    while at < len(p) and p[at] not in "|)":
        atoms, at = _atom(p, at)
        if at < len(p) and p[at] == "?":
            atoms = atoms + [""]
            at += 1
        if at < len(p) and p[at] in "*+{":
            raise _NotPlain
        results = [r + a for r in results for a in atoms]
        if len(results) > MAX_PHRASES:
            raise _NotPlain
    return results, at


def _atom(p: str, at: int) -> tuple[list[str], int]:
    char = p[at]
    if char == "(":
        if p.startswith("(?:", at):
            at += 2
        elif p.startswith("(?", at):
            raise _NotPlain
        inner, at = _alternatives(p, at + 1)
        if at >= len(p) or p[at] != ")":
            raise _NotPlain
        return inner, at + 1
    if char == "\\":
        if at + 1 < len(p) and p[at + 1] in _ESCAPABLE:
            return [p[at + 1]], at + 2
        raise _NotPlain
    if char in ".[]^$*+{}?":
        raise _NotPlain
    return [char], at + 1
