"""The words a pattern cannot match without: a quick first look before the regular expression runs.

Most rule patterns need some literal text ('intrekt' in '(haar|de)\\s+aangifte\\s+intrekt'). When a
message contains none of the texts one alternative needs, the pattern cannot match and is not run;
looking for a few substrings costs far less than a scan with dozens of alternatives. This is the
prefilter of production regex engines (RE2, Hyperscan), kept simple: what cannot be read from a
pattern is not filtered.
"""

from __future__ import annotations

from docgen.classify.phrases import spellings

_LITERAL = set("abcdefghijklmnopqrstuvwxyz0123456789ëéèïöüäáóç")
_ESCAPED_LITERAL = set(".-/,:;'\"()[]{}?*+|&# ")
_MIN_LENGTH = 2


Needs = tuple[tuple[frozenset[str], ...], ...]  # per alternative: clauses, each satisfied by any of its texts


def required(pattern: str) -> Needs | None:
    """Per top-level alternative, the lower-case texts it needs; None when some alternative needs none.
    A small plain alternative needs one of its spellings whole ('a-?nummer': 'a-nummer' or 'anummer')."""
    needs = []
    for alternative in _top_level(pattern):
        bare = alternative.removeprefix("\\b").removesuffix("\\b")
        whole = spellings(bare)
        clauses = [frozenset(whole)] if whole and min(map(len, whole)) >= _MIN_LENGTH else _needs(alternative)
        needs.append(tuple(sorted(clauses, key=lambda c: -min(map(len, c)))))  # long texts first: they rule out most
    return None if any(not n for n in needs) else tuple(needs)


def may_match(needs: Needs | None, lowered: str, seen: dict[str, bool] | None = None) -> bool:
    """Whether some alternative has all it needs in the lower-case text; `seen` remembers per text
    which texts it holds, for the many patterns that need the same words."""
    if needs is None:
        return True
    if seen is None:
        seen = {}
    for need in needs:
        for clause in need:
            for text in clause:
                present = seen.get(text)
                if present is None:
                    present = seen[text] = text in lowered
                if present:
                    break
            else:
                break  # this clause has none of its texts: the alternative cannot match
        else:
            return True
    return False


def _needs(pattern: str) -> list[frozenset[str]]:
    """Clauses every match of this alternative satisfies: a literal run, or one of a group's alternatives."""
    found: list[frozenset[str]] = []
    run = ""
    i = 0

    def close():
        nonlocal run
        found.extend(frozenset({word}) for word in run.split() if len(word) >= _MIN_LENGTH or not word.isalnum())
        run = ""

    while i < len(pattern):
        char = pattern[i]
        if char == "(":
            end = _group_end(pattern, i)
            if end < 0:
                return []
            optional = end < len(pattern) and pattern[end] in "?*{"
            inner = pattern[i + 1:end - 1]
            close()
            body = _group_body(inner)
            if body is not None and not optional:
                parts = [_needs(part) for part in _top_level(body)]
                if len(parts) == 1:
                    found.extend(parts[0])
                elif all(parts):  # one of the alternatives: of each, the longest text it needs
                    found.append(frozenset().union(*(_one_clause(part) for part in parts)))
            i = end
            continue
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _ESCAPED_LITERAL:
                if _optional_next(pattern, i + 2):
                    close()
                    i += 3
                    continue
                run += nxt
            else:
                close()  # \s, \b, \d, \w ...
            i += 2
            continue
        if char.lower() in _LITERAL or char in " -/":
            if _optional_next(pattern, i + 1):
                close()
                i += 2
                continue
            run += char.lower()
            i += 1
            continue
        close()  # . [ ] ^ $ | quantifiers and the like
        if char == "{":  # a counted repeat: {0,120}
            close_at = pattern.find("}", i)
            i = close_at + 1 if close_at > 0 else len(pattern)
            continue
        if char == "[":
            close_at = pattern.find("]", i + 2)
            i = close_at + 1 if close_at > 0 else len(pattern)
            continue
        i += 1
    close()
    return found


def _one_clause(clauses: list[frozenset[str]]) -> frozenset[str]:
    """One clause an alternative cannot do without: its longest single text, else its first clause."""
    singles = [next(iter(c)) for c in clauses if len(c) == 1]
    return frozenset({max(singles, key=len)}) if singles else clauses[0]


def _group_body(inner: str) -> str | None:
    """What a group matches: its content; None for a look-around, which matches no text."""
    if not inner.startswith("?"):
        return inner
    for flag in ("?:", "?-i:", "?i:"):
        if inner.startswith(flag):
            return inner[len(flag):]
    if inner.startswith("?P<") and ">" in inner:  # a named group
        return inner[inner.index(">") + 1:]
    return None


def _optional_next(pattern: str, at: int) -> bool:
    return at < len(pattern) and pattern[at] in "?*{"


def _outside_classes(pattern: str, start: int = 0):
    """(index, character, group depth after it) for each character outside escapes and [classes]."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += {"(": 1, ")": -1}.get(char, 0)
            yield i, char, depth
        i += 1


def _group_end(pattern: str, open_at: int) -> int:
    """The index just past the parenthesis that closes the one at `open_at`; -1 when there is none."""
    return next((i + 1 for i, _, depth in _outside_classes(pattern, open_at) if depth == 0), -1)


def _top_level(pattern: str) -> list[str]:
    parts, start = [], 0
    for i, char, depth in _outside_classes(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return parts + [pattern[start:]]
