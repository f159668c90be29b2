"""A trigger counts only where it stands: the cues of inbox_rules/context.yaml, as a monitor reads them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from docgen.classify import extract
from docgen.classify.context import Qualifier, sentence_bounds

ALL = ("ontkenning", "verwachting", "mislukt", "vraag", "verleden", "eerder_verstuurd", "ander", "oud")

# (sentence, trigger, the category of the cue that cancels it, or None when the trigger counts)
CASES = [
    ("In deze zaak is er nog geen sepotbeslissing genomen.", "sepotbeslissing", "ontkenning"),
    ("Het sepot is nog niet genomen.", "sepot", "ontkenning"),
    ("De officier van justitie is voornemens de zaak te seponeren.", "seponeren", "verwachting"),
    ("Het OM zal naar verwachting binnenkort seponeren.", "seponeren", "verwachting"),
    ("Betrokkene was niet aanwezig, uitreiking niet gelukt.", "uitreiking", "mislukt|ontkenning"),
    ("Op 11 mei is getracht de stukken uit te reiken.", "uit te reiken", "mislukt"),
    ("De afspraak voor de uitreiking staat op donderdag.", "uitreiking", "verwachting"),
    ("Is er al een sepotbeslissing genomen?", "sepotbeslissing", "vraag"),
    ("Graag verneem ik of de zaak is geseponeerd.", "geseponeerd", "vraag"),
    ("Een eerdere aangifte is destijds geseponeerd.", "geseponeerd", "verleden"),
    ("Tegen het sepot is beklag ingesteld.", "sepot", "verleden"),
    ("Op 4 mei heb ik namens cliënte een zienswijze ingediend.", "zienswijze", "eerder_verstuurd"),
    ("De aangifte van de zus van betrokkene is geseponeerd.", "geseponeerd", "ander"),
    ("Ik verzoek u de termijn voor het indienen van de zienswijze te verlengen.", "zienswijze", "verwachting"),
    # ... and where the same words are no cue
    ("De officier van justitie heeft besloten de zaak niet verder te vervolgen.", "niet verder te vervolgen", None),
    ("Op 13 mei zijn de stukken alsnog persoonlijk aan mw. P. Nakato uitgereikt.", "uitgereikt", None),
    ("Hierbij zend ik u de zienswijze van cliënte, die ik gisteren heb opgesteld.", "zienswijze", None),
    ("Hierbij dien ik de zienswijze in die ik u gisteren al per post heb gestuurd.", "zienswijze", None),
    ("Cliënte is het niet eens met het voornemen; hierbij haar zienswijze.", "zienswijze", None),
    ("Betrokkene was niet aanwezig. Vandaag zijn de stukken uitgereikt.", "uitgereikt", None),
    ("Na een mislukte poging zijn de stukken vandaag uitgereikt.", "uitgereikt", None),
]


@pytest.fixture(scope="module")
def qualifier(rules):
    received = dt.date(2026, 5, 8)
    return Qualifier(rules.context, received, lambda text: extract.dates_in(rules.extractors, text, received, births=False))


@pytest.mark.parametrize("sentence,trigger,category", CASES, ids=[c[0][:50] for c in CASES])
def test_a_trigger_counts_only_where_no_cue_cancels_it(qualifier, sentence, trigger, category):
    start = sentence.index(trigger)
    cue = qualifier.cancelling_cue(sentence, start, start + len(trigger), ALL)
    if category is None:
        assert cue is None, cue
    else:
        assert cue is not None and cue.category in category.split("|"), cue


def test_an_old_date_makes_a_mention_history_but_a_date_of_birth_never_does(qualifier):
    old = "Op 3 maart jl. heeft cliënte een aanvraag voortgezet verblijf ingediend."
    born = "Hierbij dien ik namens mw. Wei Zhang, geboren 21-01-1990, een aanvraag voortgezet verblijf in."
    for text, expected in ((old, "oud"), (born, None)):
        start = text.index("voortgezet verblijf")
        cue = qualifier.cancelling_cue(text, start, start + 19, ("oud",))
        assert (cue.category if cue else None) == expected


def test_a_cue_stops_at_the_end_of_its_sentence():
    text = "Betrokkene was niet aanwezig. Mr. A. de Vries bracht op 13 mei 2026 de stukken. V-nr. 1234567890 klopt."
    start = text.index("bracht")
    assert text[slice(*sentence_bounds(text, start, start + 6))].strip() == "Mr. A. de Vries bracht op 13 mei 2026 de stukken."


def test_a_rule_naming_an_unknown_context_stops_the_start(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    (folder / "chain" / "99-bad.yaml").write_text(
        "rules:\n  - name: x\n    type: sepot\n    description: a rule with a context that does not exist\n"
        "    context: [twijfelachtig]\n    when:\n      subject: ['sepot']\n")
    proc = subprocess.run([sys.executable, "-m", "docgen", "classify", str(ROOT / "tests")], cwd=ROOT,
                          env={"DOCGEN_RULES": str(folder), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "99-bad.yaml:2" in proc.stderr and "unknown context ['twijfelachtig']" in proc.stderr


def test_a_cue_added_by_a_monitor_takes_effect(tmp_path):
    """The cues are data: a monitor adds 'afgeblazen' and a called-off hand-out no longer counts."""
    from docgen.classify import classify, load_rules
    from docgen.model import Message

    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "inbox_rules", folder)
    msg = Message("<x>", "avim@politie.nl", "AVIM", "Uitreiking V-nummer 1234567890", dt.datetime(2026, 5, 8),
                  "De uitreiking aan betrokkene is afgeblazen.")
    assert classify(msg, load_rules(folder)).type == "uitreiking"
    context = (folder / "context.yaml").read_text()
    (folder / "context.yaml").write_text(context.replace("cues: [niet gelukt, mislukt,", "cues: [afgeblazen, niet gelukt, mislukt,"))
    assert classify(msg, load_rules(folder)).type == "overig"


def test_when_the_text_contradicts_the_attached_document_a_human_decides(rules):
    from docgen.classify import classify
    from docgen.model import Attachment, Message

    sheet = Attachment("uitreikingsblad.pdf", "application/pdf", "Uitreikingsblad\nUitgereikt op 03-05-2026\nV-nummer 1234567890", "pdf-text")
    msg = Message("<x>", "avim@politie.nl", "AVIM", "V-nummer 1234567890", dt.datetime(2026, 5, 8),
                  "De uitreiking is niet gelukt: betrokkene was er niet.", attachments=(sheet,))
    result = classify(msg, rules)
    assert result.type == "uitreiking" and result.triage
    assert any(r.startswith("twijfel: ") and "staat in de bijlage, maar de tekst zegt bij 'uitreiking'" in r
               for r in result.triage_reasons), result.triage_reasons


@pytest.mark.parametrize("sentence,expected", [
    ("Het OM en de politie hebben ingestemd met bedenktijd in bewaring.", True),
    ("De officier van justitie geeft geen toestemming voor bedenktijd in bewaring.", False),
    ("Betrokkene verblijft in een opvang.", None),
])
def test_consent_to_a_bedenktijd_in_detention_is_read_and_its_denial_too(rules, sentence, expected):
    from docgen.classify import classify
    from docgen.model import Message

    msg = Message("<x>", "avim@politie.nl", "AVIM", "M55", dt.datetime(2026, 5, 8),
                  f"Model M55\nV-nummer: 1234567890\nSoort melding: bedenktijd\n{sentence}")
    assert classify(msg, rules).fields.get("toestemming") == expected


@pytest.mark.parametrize("body,expected", [
    ("Het beklag is ingetrokken door klaagster. V-nummer 1234567890", "overig"),
    ("Het beklag is ingesteld op 3 mei 2026. V-nummer 1234567890", "beklag"),
])
def test_a_withdrawn_beklag_is_no_beklag_whatever_the_subject_says(rules, body, expected):
    from docgen.classify import classify
    from docgen.model import Message

    msg = Message("<x>", "art12@om.nl", "OM", "Beklag 09/123456-26", dt.datetime(2026, 5, 8), body)
    assert classify(msg, rules).type == expected
