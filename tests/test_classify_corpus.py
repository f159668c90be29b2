"""A mailbox monitor's view: the sample mailbox is classified right, and doubt goes to a human."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE, SHARED, run_docgen

OWN = ROOT / "tests" / "data" / "mail"  # our own synthetic messages, in other wording than the sample


@pytest.mark.parametrize("corpus", [SAMPLE, OWN], ids=["shared-sample", "own-wording"])
def test_classify_a_whole_mailbox_meets_the_targets(tmp_path, corpus):
    out = run_docgen("classify", "--jsonl", str(corpus)).stdout
    predictions = [json.loads(line) for line in out.splitlines()]
    expected = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    assert {p["file"] for p in predictions} == {label["file"] for label in expected}
    for p in predictions:  # the contract other tools rely on
        assert set(p) >= {"file", "type", "v_nummers", "triage", "fields", "reasons"}
        assert all(len(v) == 10 and v.isdigit() for v in p["v_nummers"])
    (tmp_path / "pred.jsonl").write_text(out)
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score_corpus.py"),
                            str(corpus / "labels.jsonl"), str(tmp_path / "pred.jsonl")],
                           capture_output=True, text=True, check=True).stdout
    summary = dict(item.split("=") for item in score.strip().splitlines()[-1].split())
    assert float(summary["type_acc"]) >= 0.99, score
    assert float(summary["v_exact"]) >= 0.99, score
    assert int(summary["dangerous"]) == 0, score
    assert float(summary["triage_recall"]) == 1.0, score
    assert float(summary["field_acc"]) >= 0.95, score


def test_a_phishing_mail_from_a_look_alike_domain_goes_to_triage(rules):
    from docgen.classify import classify
    from docgen.parse import parse_message

    result = classify(parse_message((SAMPLE / "0004.eml").read_bytes()), rules)
    assert result.type == "overig"
    assert result.triage
    assert any("ind-beveiliging.com" in reason for reason in result.triage_reasons)


def test_a_sepot_from_a_look_alike_om_domain_is_never_drafted(rules):
    from docgen.classify import classify
    from docgen.parse import parse_message

    result = classify(parse_message((SAMPLE / "0088.eml").read_bytes()), rules)
    assert result.type == "sepot" and result.triage
    assert any("om-nl.org" in reason for reason in result.triage_reasons)


def test_explain_says_which_rule_fired_and_why_and_which_cue_cancelled_a_trigger():
    out = run_docgen("classify", "--explain", str(SAMPLE / "0094.eml")).stdout
    assert "rule question: HIT" in out
    assert "rule sepot: miss — 'sepot' does not count: 'is nog niet' (ontkend)" in out  # "Het sepot is nog niet genomen"
    assert out.startswith("0094.eml: stand_van_zaken")


def test_every_command_has_help():
    from docgen.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"classify", "run", "watch"} <= set(commands)
    for name in commands:
        proc = subprocess.run([sys.executable, "-m", "docgen", name, "--help"], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0 and "usage:" in proc.stdout, name
