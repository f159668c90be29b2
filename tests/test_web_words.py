"""The pages speak Dutch: every explanation intake writes (rules that fired or missed, triage and quarantine
reasons, reading warnings) and every template problem comes out of words.dutch without English left."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import HOSTILE, ROOT, SAMPLE

from docgen.classify import classify
from docgen.errors import QuarantineError
from docgen.parse import Limits, parse_message
from docgen.web.words import dutch

ENGLISH = re.compile(r"\b(the|contains|found|rule|sender|untrusted|trusted|none|attachment|message|could|not|"
                     r"as required|several|disagree|template|unknown|missing|letter|lacks|use one of|add)\b")
OWN_MAIL = ROOT / "tests" / "data" / "mail"


def _english(text: str) -> list[str]:
    """English words outside what was quoted from the message or the rules ('…', […], names of rules)."""
    bare = re.sub(r"\['.*?'\]|'[^']*'|\"[^\"]*\"|\[[^\]]*\]|regel \S+|\{\{[^}]*\}\}", "", text)
    return ENGLISH.findall(bare)


def _explanations():
    from docgen.classify import load_rules

    rules = load_rules(ROOT / "inbox_rules")
    for path in sorted([*SAMPLE.glob("*.eml"), *HOSTILE.glob("*.eml"), *OWN_MAIL.glob("*.eml")]):
        try:
            msg = parse_message(path.read_bytes(), Limits(ocr=False))
        except QuarantineError as exc:
            yield path.name, exc.reason
            continue
        result = classify(msg, rules, explain=True)
        for text in (*result.reasons, *result.triage_reasons, *result.trace, *msg.warnings):
            yield path.name, text


def test_every_explanation_of_intake_on_the_corpus_reads_in_dutch():
    seen = 0
    for name, text in _explanations():
        seen += 1
        assert not _english(dutch(text)), f"{name}: {text!r} → {dutch(text)!r}"
    assert seen > 500  # every rule for every message, so every shape of sentence occurs


@pytest.mark.parametrize("english, expected", [
    ("untrusted sender: claims to be politie but writes from gmail.com",
     "onbetrouwbare afzender: doet zich voor als politie maar schrijft vanaf gmail.com"),
    ("sender gmail.com is not trusted to send a sepot", "afzender gmail.com wordt niet vertrouwd voor een sepot"),
    ("several V-nummers that do not agree: 1234567890, 2345678901",
     "meerdere V-nummers die elkaar tegenspreken: 1234567890, 2345678901"),
    ("rules disagree: sepot (sepot), beklag (beklag-om)", "de regels spreken elkaar tegen: sepot (sepot), beklag (beklag-om)"),
    ("rule sepot: miss — not: the new text contains 'nog geen beslissing'",
     "regel sepot: mis — niet: de nieuwe tekst bevat 'nog geen beslissing'"),
    ("quarantined → zienswijze voor 1234567890", "quarantaine → zienswijze voor 1234567890"),
    ("attachment 'scan.pdf' could not be read: PdfiumError", "bijlage 'scan.pdf' kon niet worden gelezen (PdfiumError)"),
    ("een zin die docgen niet kent", "een zin die docgen niet kent"),
])
def test_each_shape_of_sentence_has_its_dutch(english, expected):
    assert dutch(english) == expected


def test_template_problems_read_in_dutch(tmp_path):
    from docgen.letters.check import check_templates

    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    (folder / "besluit-uitstel.docx").unlink()
    problems = check_templates(folder)
    assert problems
    for problem in problems:
        for text in (problem.what, problem.fix):
            assert not _english(dutch(text)), f"{text!r} → {dutch(text)!r}"
    assert any(dutch(p.what) == "het sjabloon ontbreekt" for p in problems)
