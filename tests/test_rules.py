"""A mailbox monitor edits inbox_rules/: every file loads, and a mistake names file, line and reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

RULE_FILES = sorted((ROOT / "inbox_rules" / "chain").glob("*.yaml"))


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_every_rule_file_loads_and_every_rule_explains_itself(path):
    from docgen.classify.rules import _rule
    from docgen.yamlfile import load_yaml

    for raw in load_yaml(path)["rules"]:
        rule = _rule(raw, str(path))
        assert len(rule.description) > 20, f"{rule.name} needs a description a monitor understands"


def _rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    return folder


BROKEN = {
    "bad-regex": ("chain/99-bad.yaml", "rules:\n  - name: x\n    type: sepot\n    description: a broken rule for a test\n"
                  "    when:\n      subject: ['sepot(']\n", "99-bad.yaml:6", "not a valid regular expression"),
    "unknown-type": ("chain/99-bad.yaml", "rules:\n  - name: x\n    type: brief\n    description: a rule with a wrong type\n"
                     "    when:\n      subject: ['x']\n", "99-bad.yaml:2", "type 'brief' is not one of"),
    "unknown-condition": ("chain/99-bad.yaml", "rules:\n  - name: x\n    type: sepot\n    description: a wrong condition\n"
                          "    when:\n      onderwerp: ['x']\n", "99-bad.yaml:6", "unknown condition 'onderwerp'"),
    "bad-yaml": ("chain/99-bad.yaml", "rules:\n  - name: x\n   type: sepot\n", "99-bad.yaml:3", "not valid YAML"),
    "duplicate-name": ("chain/99-bad.yaml", "rules:\n  - name: sepot\n    type: sepot\n    description: the same name twice\n"
                       "    when:\n      subject: ['x']\n", "99-bad.yaml:2", "already used"),
    "unknown-role": ("chain/99-bad.yaml", "rules:\n  - name: x\n    type: sepot\n    description: a wrong sender role\n"
                     "    when:\n      sender_role: [marechaussee]\n", "99-bad.yaml:2", "unknown sender_role"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_bad_rule_file_stops_the_start_with_file_line_and_reason(tmp_path, name):
    relative, text, where, reason = BROKEN[name]
    folder = _rules_copy(tmp_path)
    (folder / relative).write_text(text)
    proc = subprocess.run([sys.executable, "-m", "docgen", "classify", str(ROOT / "tests")], cwd=ROOT,
                          env={**os.environ, "DOCGEN_RULES": str(folder)}, capture_output=True, text=True)
    assert proc.returncode == 2
    assert where in proc.stderr and reason in proc.stderr, proc.stderr


def test_a_pattern_that_runs_too_long_is_cut_off_and_sent_to_triage(tmp_path):
    from docgen.classify import classify, load_rules
    from docgen.model import Message

    folder = _rules_copy(tmp_path)
    (folder / "chain" / "05-slow.yaml").write_text(
        "rules:\n  - name: slow\n    type: overig\n    description: catastrophic backtracking on purpose\n"
        "    when:\n      body: ['(a|aa)+$']\n")
    rules = load_rules(folder)
    msg = Message("<x>", "a@politie.nl", "Politie", "M55", None, "a" * 60 + "!")
    result = classify(msg, rules)
    assert result.triage
    assert any("slow" in r and "afgebroken" in r for r in result.triage_reasons)


def test_run_refuses_to_start_on_a_bad_rule(tmp_path):
    folder = _rules_copy(tmp_path)
    (folder / "senders.yaml").write_text("partners: {politie: [politie.nl]}\n")
    proc = subprocess.run([sys.executable, "-m", "docgen", "run", "--inbox", str(tmp_path), "--data", str(tmp_path / "v")],
                          cwd=ROOT, env={**os.environ, "DOCGEN_RULES": str(folder)}, capture_output=True, text=True)
    assert proc.returncode == 2 and "senders.yaml" in proc.stderr and "missing" in proc.stderr
