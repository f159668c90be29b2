"""Bad input gets a clear reason, nothing outside the data directory is written, the rest goes on."""

from __future__ import annotations

import json

import pytest
from conftest import HOSTILE, ROOT, copy_messages, labels, run_docgen

CASES = labels(HOSTILE, "hostile.jsonl") if HOSTILE.is_dir() else []


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_hostile_message_is_processed_safely_or_quarantined(case, rules):
    from docgen.classify import classify
    from docgen.errors import QuarantineError
    from docgen.parse import parse_message

    data = (HOSTILE / case["file"]).read_bytes()
    if case["expected"] == "quarantined":
        with pytest.raises(QuarantineError) as info:
            parse_message(data)
        assert info.value.reason
    else:
        result = classify(parse_message(data), rules)
        assert result.type == case["type"]
        assert list(result.v_nummers) == case["v_nummers"]


def test_a_run_over_hostile_mail_writes_only_inside_the_data_directory(tmp_path):
    inbox, data, outside = tmp_path / "inbox", tmp_path / "var", tmp_path / "tmp"
    copy_messages([c["file"] for c in CASES], HOSTILE, inbox)
    before = {p for p in tmp_path.rglob("*")}
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(data) or p.is_relative_to(inbox) for p in created)
    assert not outside.exists()
    quarantined = sorted((inbox / "quarantine").glob("*.eml"))
    expected = sorted(c["file"] for c in CASES if c["expected"] == "quarantined")
    assert [p.name for p in quarantined] == expected
    for path in quarantined:  # each with its reason next to it
        assert path.with_name(path.name + ".reason.txt").read_text().strip()
    assert sorted(p.name for p in (inbox / "processed").glob("*.eml")) == sorted(
        c["file"] for c in CASES if c["expected"] == "processed")


def test_injected_template_code_stays_literal_in_the_classification(rules):
    from docgen.classify import classify
    from docgen.parse import parse_message

    result = classify(parse_message((HOSTILE / "h23_inject_jinja.eml").read_bytes()), rules)
    assert result.fields["naam"] == "Grace {{ 7*7 }} Mensah"
    assert json.dumps(result.fields)  # plain data only


def test_reading_and_drafting_from_hostile_html_opens_no_connection(monkeypatch, rules, tmp_path):
    import datetime as dt
    import socket

    from docgen.classify import classify
    from docgen.drafter import render_context
    from docgen.letters.catalogue import by_name
    from docgen.letters.facts import letter_facts
    from docgen.letters.render import render_letter
    from docgen.model import Event
    from docgen.parse import parse_message
    from docgen.register.procedure import assess

    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network access is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    msg = parse_message((HOSTILE / "h22_html_ssrf.eml").read_bytes())
    result = classify(msg, rules)
    assert "169.254.169.254" not in msg.body and "passwd" not in msg.body
    trigger = Event(1, result.v_nummers[0], "sepot", dt.date(2026, 3, 3), None, 1,
                    {**result.fields, "naam": msg.body[:200]})
    case = assess(result.v_nummers[0], [trigger])
    facts = letter_facts(by_name("voornemen-intrekking"), trigger, case)
    render_letter(ROOT / "templates" / "voornemen-intrekking.docx",
                  render_context(facts, ROOT / "templates", dt.date(2026, 3, 4)), "t")
    assert attempts == []


def test_the_injection_in_the_hostile_m55_stays_literal_in_the_drafted_permit(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    copy_messages(["h23_inject_jinja.eml"], HOSTILE, inbox)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    from conftest import docx_text, draft, pdf_text

    word = docx_text(draft(data, "2234207960", "beschikking-verlening"))
    assert "Grace {{ 7*7 }} Mensah" in word and "Grace 49 Mensah" not in word
    assert "Grace {{ 7*7 }} Mensah" in " ".join(pdf_text(draft(data, "2234207960", "beschikking-verlening",
                                                                ext="pdf")).split())
