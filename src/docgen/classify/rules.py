"""Load and validate inbox_rules/: the chain of classification rules, in the order they apply.

A rule is a small unit a monitor can read: a name, the type it votes for, a description, and
`when` conditions. Rules run in file order; a rule may `stop` the chain, `override` the votes
of other types, or send the message to triage. A rule with `context:` counts its trigger words
only where none of those context categories (inbox_rules/context.yaml) applies; a `fallback`
rule counts only when no other rule recognised the message. Every evaluation is recorded in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.classify import literals
from docgen.classify.conditions import (
    AllOf,
    AnyOf,
    AttachmentTypeCondition,
    Condition,
    FlagCondition,
    HeaderCondition,
    Not,
    RoleCondition,
    TextCondition,
)
from docgen.classify.patterns import compile_any, compile_patterns
from docgen.errors import RuleError
from docgen.model import TYPES
from docgen.yamlfile import check_keys, load_yaml

SCOPES = ("subject", "body", "forwarded", "attachments", "attachment_name", "quoted", "content",
          "sender", "sender_name")
RULE_KEYS = {"name", "type", "description", "when", "stop", "overrides", "triage", "context", "fallback"}


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    description: str
    when: Condition
    stop: bool = False
    overrides: tuple[str, ...] = ()
    triage: str = ""
    context: tuple[str, ...] = ()
    fallback: bool = False
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
    for flag in ("stop", "fallback"):
        if not isinstance(raw.get(flag, False), bool):
            raise RuleError(path, line, f"{flag} must be true or false")
    context = raw.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise RuleError(path, line, "context must be a list of context categories from context.yaml")
    return Rule(
        name=str(raw["name"]), type=raw["type"], description=" ".join(str(raw["description"]).split()),
        when=_condition(raw["when"], path, line), stop=raw.get("stop", False),
        overrides=tuple(overrides), triage=str(raw.get("triage", "")), context=tuple(context),
        fallback=raw.get("fallback", False), path=path, line=line or 0,
    )


def from_word_start(pattern) -> str:
    """A pattern that begins with a letter matches from the start of a word: 'sepot' finds 'Sepotbrief'
    and 'niet-sepot', not 'gesepot'. Anchoring at word starts also makes a long list of patterns fast."""
    if not isinstance(pattern, str):
        return pattern  # compile_any says what is wrong with it
    first = pattern.lstrip("(")
    if first[:1].isalnum() and not pattern.startswith("(?"):
        return rf"\b(?:{pattern})"
    return pattern


def _needs(sources: tuple[str, ...]) -> tuple[frozenset[str], ...] | None:
    needs: list[frozenset[str]] = []
    for source in sources:
        found = literals.required(source)
        if found is None:
            return None
        needs.extend(found)
    return tuple(needs)


def _condition(raw, path: str, line: int | None) -> Condition:
    line = getattr(raw, "line", None) or line
    if not isinstance(raw, dict) or not raw:
        raise RuleError(path, line, "'when' must be a mapping of conditions")
    parts: list[Condition] = []
    for key, value in raw.items():
        if key in SCOPES:
            sources = tuple(value) if isinstance(value, list) else (value,)
            pattern = compile_any([from_word_start(v) for v in sources], path, line)
            parts.append(TextCondition(key, pattern, sources, _needs(sources)))
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


