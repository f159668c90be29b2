"""Load and validate inbox_rules/: the chain of classification rules, in the order they apply.

A rule is a small unit a monitor can read: a name, the type it votes for, a description, and
`when` conditions. Rules run in file order; a rule may `stop` the chain, `override` the votes
of other types, or send the message to triage. Every evaluation is recorded in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.classify.patterns import Pattern, compile_any, compile_patterns
from docgen.errors import RuleError
from docgen.model import TYPES
from docgen.yamlfile import check_keys, load_yaml

SCOPES = ("subject", "body", "forwarded", "attachments", "attachment_name", "quoted", "content",
          "sender", "sender_name")
_SCOPE_WORDS = {
    "subject": "the subject", "body": "the new text", "forwarded": "a forwarded message",
    "attachments": "an attachment's text", "attachment_name": "an attachment's name",
    "quoted": "the quoted history", "content": "the message (subject, text, forwards, attachments)",
    "sender": "the sender's address", "sender_name": "the sender's name",
}
RULE_KEYS = {"name", "type", "description", "when", "stop", "overrides", "triage"}


@dataclass(frozen=True)
class View:
    """What conditions look at: one message's texts per scope and facts about its sender."""

    texts: dict[str, str]
    headers: dict[str, str]
    attachment_types: tuple[str, ...]
    roles: frozenset[str]
    has_v_nummer: bool
    explain: bool = False  # word the misses too (for --explain); hits are always worded


class Condition:
    def check(self, view: View) -> tuple[bool, str]:
        raise NotImplementedError


@dataclass(frozen=True)
class TextCondition(Condition):
    scope: str
    pattern: Pattern
    sources: tuple[str, ...]

    def check(self, view):
        match = self.pattern.search(view.texts.get(self.scope, ""))
        if match:
            found = " ".join(match.group(0).split())[:60]
            return True, f"{_SCOPE_WORDS[self.scope]} contains {found!r}"
        return False, f"{_SCOPE_WORDS[self.scope]} has none of {list(self.sources)}" if view.explain else ""


@dataclass(frozen=True)
class HeaderCondition(Condition):
    patterns: tuple[tuple[str, Pattern], ...]

    def check(self, view):
        for name, pattern in self.patterns:
            value = view.headers.get(name.lower())
            if value is not None and pattern.search(value):
                return True, f"header {name} is {value[:40]!r}"
        return False, f"no header {', '.join(n for n, _ in self.patterns)} as expected"


@dataclass(frozen=True)
class AttachmentTypeCondition(Condition):
    patterns: tuple[Pattern, ...]

    def check(self, view):
        for ctype in view.attachment_types:
            if any(p.search(ctype) for p in self.patterns):
                return True, f"has an attachment of type {ctype}"
        return False, "no attachment of that type"


@dataclass(frozen=True)
class RoleCondition(Condition):
    roles: frozenset[str]

    def check(self, view):
        hit = view.roles & self.roles
        if hit:
            return True, f"the sender is {'/'.join(sorted(hit))}"
        return False, f"the sender is not {'/'.join(sorted(self.roles))}"


@dataclass(frozen=True)
class FlagCondition(Condition):
    wanted: bool

    def check(self, view):
        ok = view.has_v_nummer == self.wanted
        return ok, "a V-nummer was found" if view.has_v_nummer else "no V-nummer was found"


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, view):
        reasons = []
        for part in self.parts:
            ok, why = part.check(view)
            if not ok:
                return False, why
            reasons.append(why)
        return True, "; ".join(reasons)


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, view):
        misses = []
        for part in self.parts:
            ok, why = part.check(view)
            if ok:
                return True, why
            misses.append(why)
        return False, " and ".join(misses) if view.explain else ""


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def check(self, view):
        ok, why = self.part.check(view)
        return (not ok), (f"not: {why}" if ok else f"as required, {why}")


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    description: str
    when: Condition
    stop: bool = False
    overrides: tuple[str, ...] = ()
    triage: str = ""
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Chain:
    rules: tuple[Rule, ...] = field(default_factory=tuple)


def load_chain(folder: Path) -> Chain:
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        raise RuleError(str(folder), None, "no rule files (*.yaml) found")
    rules: list[Rule] = []
    names: dict[str, str] = {}
    for path in sorted(files):
        doc = load_yaml(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
            raise RuleError(str(path), getattr(doc, "line", None), "expected a mapping with a list 'rules:'")
        for raw in doc["rules"]:
            rule = _rule(raw, str(path))
            if rule.name in names:
                raise RuleError(str(path), rule.line, f"rule name {rule.name!r} is already used in {names[rule.name]}")
            names[rule.name] = f"{path}:{rule.line}"
            rules.append(rule)
    return Chain(tuple(rules))


def _rule(raw, path: str) -> Rule:
    line = check_keys(raw, path, "rule", RULE_KEYS, ("name", "type", "description", "when"))
    if raw["type"] not in TYPES:
        raise RuleError(path, line, f"type {raw['type']!r} is not one of {list(TYPES)}")
    overrides = raw.get("overrides", [])
    if not isinstance(overrides, list) or any(t not in TYPES for t in overrides):
        raise RuleError(path, line, f"overrides must be a list of types from {list(TYPES)}")
    if not isinstance(raw.get("stop", False), bool):
        raise RuleError(path, line, "stop must be true or false")
    return Rule(
        name=str(raw["name"]), type=raw["type"], description=" ".join(str(raw["description"]).split()),
        when=_condition(raw["when"], path, line), stop=raw.get("stop", False),
        overrides=tuple(overrides), triage=str(raw.get("triage", "")), path=path, line=line or 0,
    )


def _condition(raw, path: str, line: int | None) -> Condition:
    line = getattr(raw, "line", None) or line
    if not isinstance(raw, dict) or not raw:
        raise RuleError(path, line, "'when' must be a mapping of conditions")
    parts: list[Condition] = []
    for key, value in raw.items():
        if key in SCOPES:
            sources = tuple(value) if isinstance(value, list) else (value,)
            parts.append(TextCondition(key, compile_any(value, path, line), sources))
        elif key == "header":
            if not isinstance(value, dict):
                raise RuleError(path, line, "header: expects a mapping of header name to pattern")
            parts.append(HeaderCondition(tuple(
                (name, compile_patterns(p, path, line)[0]) for name, p in value.items())))
        elif key == "attachment_type":
            parts.append(AttachmentTypeCondition((compile_any(value, path, line),)))
        elif key == "sender_role":
            if not isinstance(value, list) or not value:
                raise RuleError(path, line, "sender_role: expects a list of roles")
            parts.append(RoleCondition(frozenset(value)))
        elif key == "has_v_nummer":
            if not isinstance(value, bool):
                raise RuleError(path, line, "has_v_nummer: expects true or false")
            parts.append(FlagCondition(value))
        elif key in ("any", "all"):
            if not isinstance(value, list) or not value:
                raise RuleError(path, line, f"{key}: expects a list of condition mappings")
            subs = tuple(_condition(v, path, line) for v in value)
            parts.append(AnyOf(subs) if key == "any" else AllOf(subs))
        elif key == "not":
            parts.append(Not(_condition(value, path, line)))
        else:
            allowed = sorted(SCOPES + ("header", "attachment_type", "sender_role", "has_v_nummer", "any", "all", "not"))
            raise RuleError(path, line, f"unknown condition {key!r}; allowed: {allowed}")
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


