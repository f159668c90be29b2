"""Values from messages are inert in letters: no template code runs, no XML or HTML gets in."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from conftest import ROOT, docx_text

HOSTILE_NAME = "Grace {{ 7*7 }} Mensah & Zn <w:p>x</w:p> <img src='http://169.254.169.254/'>"


@pytest.fixture
def context():
    from docgen.drafter import render_context
    from docgen.letters.catalogue import by_name
    from docgen.letters.facts import letter_facts
    from docgen.model import Event
    from docgen.register.procedure import assess

    trigger = Event(1, "2234207960", "sepot", dt.date(2026, 3, 10), None, 1,
                    {"naam": HOSTILE_NAME, "parketnummer": "18/190195-24"})
    case = assess("2234207960", [trigger])
    facts = letter_facts(by_name("voornemen-intrekking"), trigger, case)
    return render_context(facts, ROOT / "templates", dt.date(2026, 3, 11))


def test_injected_text_appears_literally_in_docx_and_pdf(tmp_path, context):
    from docgen.letters.render import render_letter

    rendered = render_letter(ROOT / "templates" / "voornemen-intrekking.docx", context, "Voornemen")
    (tmp_path / "l.docx").write_bytes(rendered.docx)
    (tmp_path / "l.pdf").write_bytes(rendered.pdf)
    assert HOSTILE_NAME in docx_text(tmp_path / "l.docx")
    assert "49" not in docx_text(tmp_path / "l.docx").replace("2234207960", "")
    xml = zipfile.ZipFile(io.BytesIO(rendered.docx)).read("word/document.xml").decode()
    assert "&lt;w:p&gt;x&lt;/w:p&gt;" in xml and "Mensah &amp; Zn" in xml
    printed = subprocess.run(["pdftotext", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Grace {{ 7*7 }} Mensah & Zn <w:p>x</w:p>" in " ".join(printed.split())


def test_the_pdf_renderer_fetches_nothing_outside_templates(context):
    from docgen.letters import archive

    fetch = archive._fetcher_for(ROOT / "templates")
    for url in ("http://169.254.169.254/latest/meta-data", "file:///etc/passwd", "https://example.org/x.css"):
        with pytest.raises(ValueError, match="refused"):
            fetch(url)
    assert b"font-family" in fetch((ROOT / "templates" / "letter.css").as_uri()).read()


def test_a_template_that_names_unknown_data_fails_with_the_variable(tmp_path, context):
    import docx

    from docgen.errors import TemplateError
    from docgen.letters.render import render_docx

    document = docx.Document()
    document.add_paragraph("Beste {{ roepnaam }}")
    document.save(tmp_path / "t.docx")
    with pytest.raises(TemplateError, match="roepnaam"):
        render_docx(tmp_path / "t.docx", context)
