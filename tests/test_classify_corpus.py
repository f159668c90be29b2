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


OWN_LABELS = [json.loads(line) for line in (OWN / "labels.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def own_results(rules):
    from docgen.classify import classify
    from docgen.parse import Limits, parse_message

    return {label["file"]: classify(parse_message((OWN / label["file"]).read_bytes(), Limits(ocr=False)), rules)
            for label in OWN_LABELS}


@pytest.mark.parametrize("label", OWN_LABELS, ids=[label["file"] for label in OWN_LABELS])
def test_each_own_message_is_read_as_a_monitor_would(own_results, label):
    """The exact kind (the scorer folds the finer kinds into overig), the V-nummer, triage and every
    field the procedure and the letters need, message by message."""
    result = own_results[label["file"]]
    why = "; ".join(result.reasons + result.triage_reasons)
    assert result.type == label.get("kind", label["type"]), why
    assert sorted(result.v_nummers) == sorted(label["v_nummers"]), why
    assert result.triage == label["triage_expected"], why
    for key in ("soort", "datum", "parketnummer", "weken", *label.get("expect", {})):
        expected = label.get(key, label.get("expect", {}).get(key))
        if expected is not None:
            assert result.fields.get(key) == expected, f"{key}: {result.fields}"


TRIAGE_REASONS = {  # what a monitor reads in the triage list, in Dutch
    "n14_ind_collega_stuurt_nep_m55_door.eml": "afzender niet te vertrouwen: lijkt op het domein van een ketenpartner: politie-mail.nl",
    "n28_m55_kmar_lookalike.eml": "lijkt op het domein van een ketenpartner: kmar-mensenhandel.com",
    "n40_sepot_zonder_v.eml": "geen V-nummer gevonden in deze sepot",
    "n49_vv_zonder_v_met_naam.eml": "koppel het bericht aan een zaak (naam Wei Zhang, geboortedatum 1990-01-21)",
    "g11_two_v_nummers.eml": "meerdere V-nummers die niet overeenkomen: 3605551275, 3872983346",
}


@pytest.mark.parametrize("name", sorted(TRIAGE_REASONS))
def test_triage_says_why_in_dutch(own_results, name):
    assert any(TRIAGE_REASONS[name] in reason for reason in own_results[name].triage_reasons), \
        own_results[name].triage_reasons


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


def test_a_zienswijze_naming_the_person_only_in_its_attachment_can_still_be_matched():
    """Without V-nummer, the name and date of birth in the attached letter's Betreft line are what a monitor
    matches on; the lawyer who signs is never taken for the person."""
    out = run_docgen("classify", "--jsonl", str(SAMPLE / "0033.eml"), str(SAMPLE / "0093.eml")).stdout
    fields = {json.loads(line)["file"]: json.loads(line)["fields"] for line in out.splitlines()}
    assert (fields["0033.eml"]["naam"], fields["0033.eml"]["geboortedatum"]) == ("Mercy Wang", "1994-04-24")
    assert (fields["0093.eml"]["naam"], fields["0093.eml"]["geboortedatum"]) == ("Li Sesay", "2006-05-23")
    assert fields["0093.eml"]["gemachtigde_naam"] == "mr. A. van Dijk"
