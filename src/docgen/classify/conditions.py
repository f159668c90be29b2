"""The conditions a rule's `when` is made of, and what they look at: one message's texts and facts.

A text condition with context (a rule's `context:`) records every trigger it finds with the cue
that cancels it, so the rule can weigh the sender's own words against a subject or a document,
and `--explain` can say which cue took a trigger back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from docgen.classify import literals
from docgen.classify.context import Cue
from docgen.classify.patterns import Pattern

_SCOPE_WORDS = {
    "subject": "the subject", "body": "the new text", "forwarded": "a forwarded message",
    "attachments": "an attachment's text", "attachment_name": "an attachment's name",
    "quoted": "the quoted history", "content": "the message (subject, text, forwards, attachments)",
    "sender": "the sender's address", "sender_name": "the sender's name",
}
TITLES = ("subject", "attachment_name")  # name a topic; the sender's own words outweigh them


@dataclass(frozen=True)
class View:
    """What conditions look at: one message's texts per scope and facts about its sender."""

    texts: dict[str, str]
    headers: dict[str, str]
    attachment_types: tuple[str, ...]
    roles: frozenset[str]
    has_v_nummer: bool
    explain: bool = False  # word the misses too (for --explain); hits are always worded
    segments: tuple[tuple[str, int, int], ...] = ()  # where each scope lies inside "content"
    qualify: Callable | None = None  # (text, start, end, categories) -> Cue | None
    words: Words | None = None


class Words:
    """Each scope's text in lower case, for a quick look whether a pattern can match at all."""

    def __init__(self):
        self._lowered: dict[str, tuple[str, dict]] = {}

    def may_match(self, scope: str, text: str, needs) -> bool:
        known = self._lowered.get(scope)
        if known is None:
            known = self._lowered[scope] = (text.lower(), {})
        return literals.may_match(needs, *known)


@dataclass(frozen=True)
class Evidence:
    """One trigger a rule found: where, which words, and the cue that cancels it (None: it counts)."""

    scope: str
    words: str
    cue: Cue | None


@dataclass
class Trial:
    """One rule's evaluation with context: the categories that cancel, and what was found."""

    categories: tuple[str, ...]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """A trigger counts in the text or a document: more triggers would change nothing."""
        return any(e.cue is None and e.scope not in TITLES for e in self.evidence)


class Condition:
    def check(self, view: View, trial: Trial | None = None) -> tuple[bool, str]:
        raise NotImplementedError


_MAX_TRIGGERS = 20  # matches looked at per condition


@dataclass(frozen=True)
class TextCondition(Condition):
    scope: str
    pattern: Pattern
    sources: tuple[str, ...]
    needs: tuple[frozenset[str], ...] | None = None  # texts some alternative cannot match without

    def check(self, view, trial=None):
        text = view.texts.get(self.scope, "")
        if self.needs and view.words is not None and not view.words.may_match(self.scope, text, self.needs):
            return False, f"{_SCOPE_WORDS[self.scope]} has none of {list(self.sources)}" if view.explain else ""
        if trial is None or view.qualify is None:
            match = self.pattern.search(text)
            if match:
                return True, f"{_SCOPE_WORDS[self.scope]} contains {_words(match)!r}"
            return False, f"{_SCOPE_WORDS[self.scope]} has none of {list(self.sources)}" if view.explain else ""
        hit = None
        cancelled = []
        titles = []  # a subject or file name only matters when the text itself says nothing: judged last
        for match in self.pattern.scan(text, _MAX_TRIGGERS):
            scope = self._scope_of(view, match.start())
            if scope in TITLES:
                titles.append((scope, match))
                continue
            hit = self._judge(view, trial, text, scope, match, cancelled) or hit
            if trial.settled:
                break
        if not trial.settled:
            for scope, match in titles:
                hit = self._judge(view, trial, text, scope, match, cancelled) or hit
        if hit:
            return True, f"{_SCOPE_WORDS[self.scope]} contains {_words(hit)!r}"
        if cancelled:
            return False, "; ".join(cancelled)
        return False, f"{_SCOPE_WORDS[self.scope]} has none of {list(self.sources)}" if view.explain else ""

    @staticmethod
    def _judge(view: View, trial: Trial, text: str, scope: str, match, cancelled: list):
        """Record one trigger with the cue that cancels it; the match when it counts."""
        cue = view.qualify(text, match.start(), match.end(), trial.categories)
        trial.evidence.append(Evidence(scope, _words(match), cue))
        if cue is not None:
            cancelled.append(f"{_words(match)!r} does not count: {cue}")
            return None
        return match

    def _scope_of(self, view: View, position: int) -> str:
        if self.scope != "content":
            return self.scope
        return next((name for name, start, end in view.segments if start <= position < end), "body")


def _words(match) -> str:
    return " ".join(match.group(0).split())[:60]


@dataclass(frozen=True)
class HeaderCondition(Condition):
    patterns: tuple[tuple[str, Pattern], ...]

    def check(self, view, trial=None):
        for name, pattern in self.patterns:
            value = view.headers.get(name.lower())
            if value is not None and pattern.search(value):
                return True, f"header {name} is {value[:40]!r}"
        return False, f"no header {', '.join(n for n, _ in self.patterns)} as expected"


@dataclass(frozen=True)
class AttachmentTypeCondition(Condition):
    patterns: tuple[Pattern, ...]

    def check(self, view, trial=None):
        for ctype in view.attachment_types:
            if any(p.search(ctype) for p in self.patterns):
                return True, f"has an attachment of type {ctype}"
        return False, "no attachment of that type"


@dataclass(frozen=True)
class RoleCondition(Condition):
    roles: frozenset[str]

    def check(self, view, trial=None):
        hit = view.roles & self.roles
        if hit:
            return True, f"the sender is {'/'.join(sorted(hit))}"
        return False, f"the sender is not {'/'.join(sorted(self.roles))}"


@dataclass(frozen=True)
class FlagCondition(Condition):
    wanted: bool

    def check(self, view, trial=None):
        ok = view.has_v_nummer == self.wanted
        return ok, "a V-nummer was found" if view.has_v_nummer else "no V-nummer was found"


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, view, trial=None):
        reasons = []
        for part in self.parts:
            ok, why = part.check(view, trial)
            if not ok:
                return False, why
            reasons.append(why)
        return True, "; ".join(reasons)


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, view, trial=None):
        misses = []
        first_hit = None
        parts = self.parts if trial is None else sorted(self.parts, key=lambda p: getattr(p, "scope", "") in TITLES)
        for part in parts:
            ok, why = part.check(view, trial)
            if ok and trial is None:
                return True, why
            if ok:  # with context every part is looked at: the text may take back what the subject says
                first_hit = first_hit or why
                if trial.settled:
                    break
            else:
                misses.append(why)
        if first_hit:
            return True, first_hit
        return False, " and ".join(m for m in misses if m) if view.explain or trial else ""


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def check(self, view, trial=None):
        ok, why = self.part.check(view)  # "not" means absent: context does not apply
        return (not ok), (f"not: {why}" if ok else f"as required, {why}")
