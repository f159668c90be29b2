"""Every letter of the procedure, opened by independent readers: python-docx, LibreOffice, pdftotext, PDF/A check."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import DOCGEN, ROOT, docx_text, pdf_text, run_docgen

from docgen.letters.catalogue import LETTERS
from docgen.letters.check import EXAMPLE_V, check_templates, preview
from docgen.letters.examples import EXAMPLE_NOW, FINAL_DATES, FINALS, example_events
from docgen.letters.pdfa import pdfa_problems

TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("letters")
    return {letter.name: preview(TEMPLATES, letter.name, out) for letter in LETTERS}


@pytest.mark.parametrize("letter", LETTERS, ids=[l.name for l in LETTERS])
def test_each_letter_carries_what_the_law_and_the_unit_require(letter, rendered):
    docx_path, pdf_path = rendered[letter.name]
    word = docx_text(docx_path)
    printed = " ".join(pdf_text(pdf_path).split())
    for text in (word, printed):
        assert EXAMPLE_V in text and "Voorbeeld Persoon" in text and "2 januari 1990" in text
        # The IND's reference; the gemeente's does not name the unit (it learns nothing of the ground).
        assert ("IND/1234567890/" if letter.name.endswith("gemeente") else "B83/1234567890/") in text
        for phrase in letter.required:
            assert phrase in text, f"{letter.name} lacks {phrase!r}"


@pytest.mark.parametrize("letter", LETTERS, ids=[l.name for l in LETTERS])
def test_each_archival_pdf_is_pdf_a(letter, rendered):
    assert pdfa_problems(rendered[letter.name][1].read_bytes()) == []


def test_the_pdf_a_check_does_find_a_pdf_that_is_not_pdf_a():
    from weasyprint import HTML

    plain = HTML(string="<p>gewone PDF</p>").write_pdf()
    assert any("XMP" in p or "output intent" in p for p in pdfa_problems(plain))


def test_libreoffice_opens_every_docx_draft(rendered, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice is missing: scripts/test.sh installs libreoffice-writer-nogui")
    docs = [str(rendered[l.name][0]) for l in LETTERS]
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *docs], check=True, capture_output=True,
                   timeout=600)
    for letter in LETTERS:
        text = " ".join(pdf_text(tmp_path / f"{letter.name}.pdf").split())
        assert EXAMPLE_V in text and "Voorbeeld Persoon" in text, letter.name


def test_a_motivated_decision_answers_each_argument_and_marks_what_it_cannot(rendered):
    word = docx_text(rendered["beschikking-intrekking"][0])
    assert "Psychische en medische situatie" in word and "Geen paspoort" in word
    assert "Gezins- en privéleven" in word and "[OPEN PUNT — ambtshalve toets artikel 8 EVRM]" in word
    assert "[OPEN PUNT — motiveer hier]" in word and "lening lopen" in word  # an argument no block answers
    assert "[OPEN PUNT — voortgezet verblijf]" in word  # passport raised, no application announced


def test_each_thing_a_lawyer_raises_gets_its_own_answer_and_nothing_that_was_not_raised():
    from docgen.letters.arguments import detect, load_library

    zienswijze = ("De politie heeft de getuigen die cliënte noemde nooit gehoord. Wij bereiden daarom een "
                  "klaagschrift bij het hof voor. Cliënte is doodsbang dat de groep die haar uitbuitte haar "
                  "weet te vinden als zij terug moet.")
    chosen, _ = detect(load_library(TEMPLATES), zienswijze)
    blocks = {b["key"]: b["tekst"] for b in chosen}
    assert {"onderzoek", "beklag", "represailles"} <= set(blocks)
    assert "familie" not in blocks["represailles"] and "zij of hij" not in blocks["represailles"]
    assert "opsporingsonderzoek" in blocks["onderzoek"] and "beklag" not in blocks["onderzoek"].split(".")[0]


def _render(letter_name, events, tmp_path, now=EXAMPLE_NOW, finals=FINALS):
    """Render one letter the way the drafter does, for a case of the test's own."""
    from docgen.drafter import render_context
    from docgen.letters.catalogue import by_name
    from docgen.letters.plan import plan
    from docgen.letters.render import render_docx
    from docgen.register.procedure import assess

    case = assess(EXAMPLE_V, events, finals, now)
    need = next(n for n in plan(case, FINAL_DATES) if n.letter.name == letter_name)
    context = render_context(need.facts, TEMPLATES, now.date(), {"naam": "T. Tester"})
    path = tmp_path / f"{letter_name}.docx"
    path.write_bytes(render_docx(TEMPLATES / f"{by_name(letter_name).template}.docx", context))
    return docx_text(path)


def test_without_a_zienswijze_the_decision_says_none_came_in(tmp_path):
    events = [e for e in example_events(TEMPLATES) if e.kind != "zienswijze"]
    text = _render("beschikking-intrekking", events, tmp_path)
    assert "geen zienswijze naar voren gebracht" in text and "OPEN PUNT" not in text


@pytest.mark.parametrize("weeks,reasons,outcome,end", [
    # 9 March + 2 weeks = 23 March; + 2 weeks = 6 April, tweede Paasdag → 7 April
    ("2", [], "Ik willig uw verzoek in", "7 april 2026"),
    ("6", [], "Ik willig uw verzoek gedeeltelijk in", "7 april 2026"),  # 2 weeks without a reason
    ("6", ["tolk"], "Ik willig uw verzoek gedeeltelijk in", "20 april 2026"),  # 23 March + 4 weeks
])
def test_an_uitstelverzoek_is_weighed_and_the_letter_names_the_reasons_and_the_new_date(tmp_path, weeks, reasons,
                                                                                       outcome, end):
    from dataclasses import replace

    events = [e if e.kind != "uitstelverzoek" else replace(e, fields={**e.fields, "weken": weeks, "redenen": reasons})
              for e in example_events(TEMPLATES) if e.kind not in ("zienswijze",)]
    granted = {slot: when for slot, when in FINALS.items() if not slot.startswith("beschikking-intrekking")}
    text = _render("besluit-uitstel", events, tmp_path, now=EXAMPLE_NOW.replace(month=3, day=17), finals=granted)
    assert outcome in text and f"loopt nu tot en met {end}" in text
    assert ("U voert aan dat voor de voorbereiding van de zienswijze een tolk nodig is." in text) == bool(reasons)
    assert "2026-" not in text  # never an ISO date


def test_a_voornemen_handed_out_outside_docgen_and_overturned_by_the_hof_is_withdrawn_in_plain_words(tmp_path):
    """No lawyer, so the letter is to her, as u; nothing was revoked, so nothing 'revives'; the permit was
    granted outside docgen, so its validity is an open point; the OM whose sepot fell gets a copy."""
    from docgen.letters.examples import PERSON, _event

    events = [_event(1, "m55", "2026-01-05", **PERSON, soort="aangifte", eenheid="Amsterdam"),
              _event(2, "sepot", "2026-03-02", parketnummer="09/123456-26", afzender="Arrondissementsparket Den Haag"),
              _event(3, "uitreiking", "2026-03-09"),
              _event(4, "beklag", "2026-03-20", soort="ingesteld"),
              _event(5, "beklag", "2026-05-15", soort="gegrond", kenmerk="K26/4934")]
    text = _render("mededeling-afzien-intrekking", events, tmp_path, now=EXAMPLE_NOW.replace(month=5, day=20),
                   finals={})
    assert "Op 9 maart 2026 is aan u het voornemen uitgereikt" in text and "herleeft" not in text
    assert "gegrond verklaard (artikel 12 van het Wetboek van Strafvordering). Daarmee is de grond voor de " \
           "voorgenomen intrekking vervallen" in text
    assert "K26/4934" in text and "– Arrondissementsparket Den Haag" in text
    assert "[OPEN PUNT — de vergunning is buiten docgen verleend: vul de geldigheidsduur aan]" in text
    assert "ontvangt u eerst opnieuw een voornemen" in text and "betrokkene" not in text.split("Betreft")[1].split("Afschrift")[0]


def test_the_term_of_a_voornemen_made_outside_docgen_is_left_to_the_behandelaar(tmp_path):
    events = [e for e in example_events(TEMPLATES) if e.kind != "zienswijze"]
    granted = {slot: when for slot, when in FINALS.items() if not slot.startswith(("beschikking-intrekking",
                                                                                   "voornemen-intrekking"))}
    text = _render("besluit-uitstel", events, tmp_path, now=EXAMPLE_NOW.replace(month=3, day=17), finals=granted)
    assert "[OPEN PUNT — het voornemen is buiten docgen gemaakt: controleer de zienswijzetermijn" in text
    assert "OPEN PUNT" not in _render("besluit-uitstel", events, tmp_path, now=EXAMPLE_NOW.replace(month=3, day=17),
                                      finals={k: v for k, v in FINALS.items() if not k.startswith("beschikking-intr")})


def test_a_decision_to_the_person_herself_speaks_to_her_as_u_throughout(tmp_path):
    """No gemachtigde: the zienswijze is her own and the intrekking goes to her (LETTERS.md: one form of
    address). The open points, written for the behandelaar, may still say betrokkene."""
    from dataclasses import replace

    from docgen.letters.examples import LAWYER

    events = [replace(e, fields={**{k: v for k, v in e.fields.items() if k not in LAWYER},
                                 **({"afzender": "Voorbeeld Persoon"} if e.kind == "zienswijze" else {})})
              for e in example_events(TEMPLATES) if e.kind != "uitstelverzoek"]  # she signs her own zienswijze
    text = _render("beschikking-intrekking", events, tmp_path)
    body = text.split("Betreft")[1].split("Hoogachtend")[0]
    assert "Ik trek uw verblijfsvergunning" in body and "Op 3 april 2026 heeft u een zienswijze ingediend" in body
    assert "U beschikt (nog) niet over een paspoort" in body and "Na de intrekking kunt u nog twee jaar" in body
    said = [line for line in body.splitlines() if "betrokkene" in line.lower() and "OPEN PUNT" not in line]
    assert said == []
    with_lawyer = _render("beschikking-intrekking", example_events(TEMPLATES), tmp_path)
    assert "Ik trek de verblijfsvergunning" in with_lawyer and "Betrokkene beschikt (nog) niet" in with_lawyer


def test_a_new_block_that_would_call_her_betrokkene_is_named_by_the_check(tmp_path):
    from docgen.letters.arguments import load_library

    shutil.copytree(TEMPLATES, tmp_path / "templates")
    library = tmp_path / "templates" / "bouwstenen.yaml"
    library.write_text(library.read_text(encoding="utf-8").replace("bouwstenen:\n", """bouwstenen:
  - key: scholing
    titel: Scholing
    herken: ['opleiding']
    tekst: Betrokkene volgt een opleiding.
""", 1), encoding="utf-8")
    with pytest.raises(Exception, match="bouwsteen scholing.*still says betrokkene; add a pair"):
        load_library(tmp_path / "templates")


def test_an_eu_citizen_gets_the_unierecht_open_point_in_the_voornemen_and_the_intrekking(tmp_path):
    from dataclasses import replace

    events = [replace(e, fields={**e.fields, "nationaliteit": "Bulgaarse"}) if e.kind == "m55" else e
              for e in example_events(TEMPLATES)]
    for letter in ("voornemen-intrekking", "beschikking-intrekking"):
        text = _render(letter, events, tmp_path)
        assert "[OPEN PUNT — Unierecht] Betrokkene heeft de Bulgaarse nationaliteit" in text, letter
        assert "(paragraaf B8/3.1 Vc). Ontleent betrokkene rechten" in text and "aan.\")" not in text, letter
        assert "artikel 62 Vw, het mvv-vereiste en voortgezet verblijf" in text, letter
    assert "Unierecht" not in _render("beschikking-intrekking", example_events(TEMPLATES), tmp_path)


def test_a_short_argument_is_answered_too():
    from docgen.letters.arguments import detect, load_library

    chosen, _ = detect(load_library(TEMPLATES), "Geachte heer,\n\nIk heb geen paspoort. Ik wil hier blijven.")
    assert [b["key"] for b in chosen] == ["paspoort"]


def test_a_request_for_time_the_zienswijze_overtook_is_named_in_the_intrekking_as_granted(tmp_path):
    undecided = {k: v for k, v in FINALS.items() if not k.startswith(("beschikking-intrekking", "besluit-uitstel"))}
    text = _render("beschikking-intrekking", example_events(TEMPLATES), tmp_path, finals=undecided)
    assert ("Op het verzoek van 16 maart 2026 om de termijn te verlengen is niet afzonderlijk beslist voordat de "
            "zienswijze van 3 april 2026 binnenkwam. Ik ga uit van inwilliging: de termijn liep tot en met") in text


def test_templates_check_passes_on_the_shipped_templates():
    assert check_templates(TEMPLATES) == []
    assert "are fine" in run_docgen("templates", "check").stdout


def _remove_paragraphs_with(word):
    def transform(document):
        for paragraph in document.paragraphs:
            if word in paragraph.text:
                paragraph._element.getparent().remove(paragraph._element)
    return transform


BREAKAGES = {
    "unknown variable": ("voornemen-intrekking.docx", lambda d: d.add_paragraph("Beste {{ roepnaam }},"),
                         "unknown variable 'roepnaam'"),
    "nested typo": ("beschikking-intrekking.docx",
                    lambda d: d.add_paragraph("{% for blok in motivering %}{{ blok.titell }}{% endfor %}"),
                    "unknown field 'blok.titell'"),
    "syntax": ("besluit-uitstel.docx", lambda d: d.add_paragraph("{{ naam "), "template syntax error"),
    "remedy removed": ("beschikking-verlening.docx", _remove_paragraphs_with("bezwaar"), "lacks 'bezwaar'"),
    "iso date": ("voornemen-intrekking.docx", lambda d: d.add_paragraph("Uiterlijk 2026-05-01 reageren."),
                 "shows the date 2026-05-01 in ISO form"),
    "ground to the gemeente": ("kennisgeving.docx", lambda d: d.add_paragraph("Betrokkene is slachtoffer van mensenhandel."),
                               "says 'slachtoffer'"),
    "remedy on a notice": ("kennisgeving.docx", lambda d: d.add_paragraph("Tegen dit besluit kunt u bezwaar maken."),
                           "says 'bezwaar'"),
    "addressee removed": ("besluit-uitstel.docx", _remove_paragraphs_with("{{ regel }}"), "has no addressee block"),
    "placeholder left": ("bevestiging-bedenktijd.docx", lambda d: d.add_paragraph("Bel [telefoonnummer politie]."),
                         "still shows the placeholder [telefoonnummer politie]"),
}


@pytest.mark.parametrize("kind", sorted(BREAKAGES))
def test_templates_check_names_the_file_the_problem_and_the_fix(tmp_path, kind):
    import docx

    name, transform, expected = BREAKAGES[kind]
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    document = docx.Document(str(folder / name))
    transform(document)
    document.save(str(folder / name))
    proc = subprocess.run([*DOCGEN, "templates", "check"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DOCGEN_TEMPLATES": str(folder)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{name}: " in proc.stdout and expected in proc.stdout and "fix:" in proc.stdout


def test_preview_writes_docx_and_pdf(tmp_path):
    out = run_docgen("templates", "preview", "besluit-uitstel", "--out", str(tmp_path)).stdout.split()
    assert [p.rsplit("/", 1)[1] for p in out] == ["besluit-uitstel.docx", "besluit-uitstel.pdf"]
