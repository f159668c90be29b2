"""Senders as they really are, per mailbox; and no message, however large or hostile, stops classify."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import ROOT

from docgen.classify import classify, load_rules
from docgen.errors import RuleError
from docgen.model import Message

SCHIPHOL = "folder:/srv/drop/schiphol"


def _message(sender: str, body: str, subject: str = "") -> Message:
    return Message("<t@example.invalid>", sender, "", subject, dt.datetime(2026, 6, 1, 10, 0), body)


M55 = "Model M55\nSoort melding: start bedenktijd\nV-nummer: 4820193765\nDatum start bedenktijd: 01-06-2026\n"


@pytest.fixture
def mailbox_rules(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    senders = (folder / "senders.yaml").read_text().replace("mailboxes: {}", f"""mailboxes:
  "{SCHIPHOL}":
    partners: {{politie: [grensbewaking-schiphol.example]}}
    trust: {{vertrek: [gemeente]}}
""")
    (folder / "senders.yaml").write_text(senders)
    return load_rules(folder)


def test_an_m55_from_the_marechaussee_is_a_partners_m55(rules):
    result = classify(_message("mensenhandel.schiphol@kmar.nl", M55), rules)
    assert (result.type, result.triage) == ("m55", False), result.triage_reasons


def test_a_look_alike_of_the_marechaussee_still_goes_to_triage(rules):
    result = classify(_message("schiphol@kmar-meldingen.com", M55), rules)
    assert result.type == "m55" and result.triage
    assert any("kmar-meldingen.com" in r for r in result.triage_reasons)


def test_a_mailbox_adds_its_own_partners_and_trust(mailbox_rules):
    m55 = _message("team@grensbewaking-schiphol.example", M55)
    assert classify(m55, mailbox_rules).triage  # unknown in general ...
    assert not classify(m55, mailbox_rules, mailbox=SCHIPHOL).triage  # ... a partner for this mailbox
    vertrek = _message("burgerzaken@gemeente-haarlemmermeer.nl",
                       "Mevrouw (V-nummer 2019384756) is met onbekende bestemming vertrokken.")
    assert classify(vertrek, mailbox_rules).triage_reasons == ("afzender gemeente-haarlemmermeer.nl mag geen vertrek sturen",)
    assert not classify(vertrek, mailbox_rules, mailbox=SCHIPHOL).triage
    assert classify(vertrek, mailbox_rules, mailbox="folder:/srv/drop/zwolle").triage  # another mailbox: as in general


def test_a_mailbox_setting_with_an_unknown_sender_stops_the_start(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    (folder / "senders.yaml").write_text((folder / "senders.yaml").read_text().replace(
        "mailboxes: {}", "mailboxes:\n  b83:\n    trust: {vertrek: [reclassering]}\n"))
    with pytest.raises(RuleError, match="trust for vertrek: unknown senders"):
        load_rules(folder)


def test_a_three_megabyte_line_never_escapes_classify(rules):
    """#11.5: such a body once raised PatternTimeout out of the date extractor."""
    body = ("V-nummer 12 datum beslissing 1 mei 2026 sepot niet uitgereikt. " * 50_000)[:3_000_000]
    result = classify(_message("parket@om.nl", body, "sepot"), rules)
    assert result.triage


def test_an_extractor_cut_off_sends_the_message_to_triage_with_the_reason(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    extractors = (folder / "extractors.yaml").read_text()
    (folder / "extractors.yaml").write_text(extractors.replace(
        "      near: ['datum\\s+(van\\s+(de\\s+)?)?beslissing',", "      near: ['(a|aa)+$', 'datum\\s+(van\\s+(de\\s+)?)?beslissing',"))
    result = classify(_message("parket@om.nl", "Het OM heeft geseponeerd. V-nummer 1234567890\n" + "a" * 60 + "!"),
                      load_rules(folder))
    assert result.type == "sepot" and result.triage
    assert any("gegevens duurde te lang" in r for r in result.triage_reasons)


def test_a_colleagues_forward_is_judged_by_the_original_sender(rules):
    original = _message("avim.amsterdam@politie-mail.nl", M55, "M55")
    forward = Message("<f@ind.nl>", "l.deboer@ind.nl", "Lisa", "FW: M55", dt.datetime(2026, 6, 1), "Ter verwerking.",
                      forwarded=(original,))
    result = classify(forward, rules)
    assert result.type == "m55" and result.triage
    assert any("politie-mail.nl" in r for r in result.triage_reasons)


QUESTION = ("Geachte heer, mevrouw,\n\nN.a.v. uw vraag over V-nummer 4820193765: de officier heeft de zaak nog "
            "niet geseponeerd; het onderzoek loopt nog.\n\nMet vriendelijke groet,\nParket Midden-Nederland\n")


def test_the_om_writing_there_is_no_sepot_yet_is_read_as_a_denial_and_a_lawyer_saying_it_is_not(rules):
    from_om = classify(_message("mensenhandel.midden-nederland@om.nl", QUESTION, "Vraag stand van zaken"), rules)
    assert from_om.type == "stand_van_zaken" and from_om.fields.get("sepot_ontkend") is True
    lawyer = classify(_message("kantoor@advocaten-example.nl", QUESTION, "Vraag stand van zaken"), rules)
    assert "sepot_ontkend" not in lawyer.fields
    plain = QUESTION.replace("de officier heeft de zaak nog niet geseponeerd; het onderzoek loopt nog",
                             "wij hebben uw vraag over het sepot doorgezet naar de officier")
    assert "sepot_ontkend" not in classify(_message("mensenhandel.midden-nederland@om.nl", plain,
                                                    "Vraag stand van zaken"), rules).fields


def test_the_hofs_number_of_the_beklagzaak_is_read():
    body = ("Het gerechtshof heeft bij beschikking van 2 november 2026 (K26/1187) het beklag in de zaak van "
            "V-nummer 4820193765, parketnummer 13/123456-25, gegrond verklaard en de vervolging bevolen.\n")
    result = classify(_message("parket.amsterdam@om.nl", body, "Beklag gegrond"), load_rules(ROOT / "inbox_rules"))
    assert result.type == "beklag" and result.fields["kenmerk"] == "K26/1187" and result.fields["soort"] == "gegrond"
