"""Message + inbox_rules/ → Classification: the rule chain, context, senders, extractors and the verdict."""

from docgen.classify.engine import RuleSet, classify, load_rules, scopes

__all__ = ["RuleSet", "classify", "load_rules", "scopes"]
