"""Message + inbox_rules/ → Classification: the rule chain, senders, extractors and the verdict."""

from docgen.classify.engine import RuleSet, classify, extract_fields, load_rules, scopes

__all__ = ["RuleSet", "classify", "extract_fields", "load_rules", "scopes"]
