"""YAML reading that remembers line numbers, so a bad rule or setting is reported by file and line."""

from __future__ import annotations

from pathlib import Path

import yaml

from docgen.errors import RuleError


class Located(dict):
    """A mapping read from YAML that knows the line it started on."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise RuleError(loader.name, key_node.start_mark.line + 1, f"key {key!r} appears twice")
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), None, f"cannot be read: {exc}") from exc
    loader = _Loader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RuleError(str(path), line, f"not valid YAML: {exc.problem}") from exc
    finally:
        loader.dispose()


def check_keys(raw: dict, path: str, what: str, allowed: set[str], required: tuple[str, ...]) -> int | None:
    """A mapping from a YAML file may hold only `allowed` keys and must hold `required` ones.
    Returns its line, for the caller's own messages."""
    line = getattr(raw, "line", None)
    if not isinstance(raw, dict):
        raise RuleError(path, line, f"each {what} must be a mapping with {', '.join(required)}")
    unknown = set(raw) - allowed
    if unknown:
        raise RuleError(path, line, f"unknown key(s) {sorted(unknown)} in {what}; allowed: {sorted(allowed)}")
    for key in required:
        if key not in raw:
            raise RuleError(path, line, f"{what} is missing {key!r}")
    return line
