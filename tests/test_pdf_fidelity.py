"""The archival PDF says exactly what the DOCX says, as LibreOffice prints it from the same file.

A behandelaar corrects a draft in Word or LibreOffice and uploads it; the archive keeps its PDF.
For every letter template, for corrections saved by LibreOffice and for Word-style files with
content controls, lists, headers, footers and tables, the PDF's text must equal what LibreOffice
prints from the same DOCX (pdftotext of both, whitespace normalised; headers and footers page by
page). A DOCX with something the fast converter cannot render goes to LibreOffice itself.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import wordstyle
from conftest import ROOT
from pdftext import differences, shown_as_final, text

from docgen.errors import ArchivalPdfError
from docgen.letters.archive import archival_pdf
from docgen.letters.catalogue import LETTERS
from docgen.letters.check import preview
from docgen.letters.pdfa import pdfa_problems

TEMPLATES = ROOT / "templates"
FAST = ([f"template--{letter.name}" for letter in LETTERS] + [f"word--{name}" for name in wordstyle.UPLOADS]
        + [f"libreoffice--{letter.name}" for letter in LETTERS]
        + [f"libreoffice--{name}" for name in wordstyle.UPLOADS])
SLOW = [f"fallback--{name}" for name in wordstyle.FALLBACKS]


def soffice(args: list[str], profile: Path) -> None:
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice is missing: scripts/setup.sh installs libreoffice-writer-nogui")
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", *args],
                   check=True, capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[bytes, Path]]:
    """name → (the DOCX, LibreOffice's PDF of it). Uploads corrected in LibreOffice are the drafts
    and Word-style files opened in LibreOffice and saved again as DOCX."""
    root = tmp_path_factory.mktemp("fidelity")
    drafts, docs, references = root / "drafts", root / "docs", root / "references"
    for folder in (drafts, docs, references):
        folder.mkdir()
    for letter in LETTERS:
        docx, _ = preview(TEMPLATES, letter.name, drafts)
        (docs / f"template--{letter.name}.docx").write_bytes(docx.read_bytes())
    for name, build in wordstyle.UPLOADS.items():
        (docs / f"word--{name}.docx").write_bytes(build())
    for name, (build, _) in wordstyle.FALLBACKS.items():
        (docs / f"fallback--{name}.docx").write_bytes(build())
    saved = root / "saved"
    sources = sorted(docs.glob("template--*.docx")) + sorted(docs.glob("word--*.docx"))
    soffice(["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), *map(str, sources)], root / "lo")
    for source in sources:
        name = source.name.split("--", 1)[1]
        (docs / f"libreoffice--{name}").write_bytes((saved / source.name).read_bytes())
    for docx in docs.glob("*.docx"):
        (references / docx.name).write_bytes(shown_as_final(docx.read_bytes()))
    soffice(["--convert-to", "pdf", "--outdir", str(references), *map(str, sorted(references.glob("*.docx")))],
            root / "lo")
    return {docx.stem: (docx.read_bytes(), references / f"{docx.stem}.pdf") for docx in docs.glob("*.docx")}


def archive(corpus, name: str, tmp_path: Path):
    docx, reference = corpus[name]
    made = archival_pdf(docx, TEMPLATES, name)
    ours = tmp_path / f"{name}.pdf"
    ours.write_bytes(made.pdf)
    return made, ours, reference


@pytest.mark.parametrize("name", FAST)
def test_the_archival_pdf_prints_what_libreoffice_prints(corpus, name, tmp_path):
    made, ours, reference = archive(corpus, name, tmp_path)
    assert made.converter == "weasyprint", f"{name} fell back to LibreOffice for {made.reason}"
    assert differences(ours, reference, corpus[name][0]) == []
    assert pdfa_problems(made.pdf) == []


@pytest.mark.parametrize("name", SLOW)
def test_what_the_fast_converter_cannot_render_libreoffice_renders(corpus, name, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="docgen.letters.archive")
    made, ours, reference = archive(corpus, name, tmp_path)
    construct = wordstyle.FALLBACKS[name.split("--", 1)[1]][1]
    assert (made.converter, made.reason) == ("libreoffice", construct)
    assert f"does not render {construct}" in caplog.text
    assert "Tekst in een" not in caplog.text and "3.57" not in caplog.text  # the log names no content
    assert differences(ours, reference, corpus[name][0]) == []
    assert pdfa_problems(made.pdf) == []


def test_content_controls_lists_and_hidden_text_read_as_writer_prints_them(corpus, tmp_path):
    printed = {name: " ".join(text(archive(corpus, f"word--{name}", tmp_path)[1]).split())
               for name in ("content-controls", "lists", "list-restarts", "inline-details", "tables")}
    assert "Rij in besturingselement Cel in besturingselement" in printed["content-controls"]
    assert "Mr. A. Advocaat" in printed["content-controls"] and "een geneste keuze erin" in printed["content-controls"]
    for label in ("2. Tweede overweging a) opnieuw a", "3. Derde overweging", "1. Weer een", "• punt o subpunt",
                  "III. drie III.A letter IV. vier", "1.1.01 sub", "2.1.01 sub zonder lid", "5. vanaf vijf 6. zes"):
        assert label in printed["lists"]
    for label in ("3. eerst op niveau 1 3.d. dan op niveau 2", "3.f. niveau 2 4. niveau 1", "V: romeins",
                  "7. terug 8. 10. na de verborgen alinea"):
        assert label in printed["list-restarts"]
    assert "helemaal verborgen" not in printed["list-restarts"]
    assert "VERBORGEN" not in printed["inline-details"] and "GESCHRAPT" not in printed["inline-details"]
    assert "Behouden ingevoegd slot" in printed["inline-details"] and "HOOFDLETTERS" in printed["inline-details"]
    assert printed["tables"].count("Genest") == 1


def test_headers_and_footers_stand_on_the_pages_word_puts_them(corpus, tmp_path):
    _, ours, _ = archive(corpus, "word--headers-footers", tmp_path)
    pages = [" ".join(text(ours, n, layout=True).split()) for n in (1, 2, 3)]
    assert pages[0].startswith("Immigratie- en Naturalisatiedienst") and pages[0].endswith("Postbus 17, 8440 AA Heerenveen")
    assert pages[1].startswith("IND even bladzijde") and pages[1].endswith("Blad 2")
    assert pages[2].startswith("IND unit B8/3 — vervolgblad") and pages[2].endswith("pagina 3 van 3")


def test_the_comparison_notices_a_list_number_that_is_missing(corpus, tmp_path):
    docx, reference = corpus["word--lists"]
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = re.sub(rb'<w:numId w:val="205"/>', b'<w:numId w:val="0"/>', parts["word/document.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    ours = tmp_path / "without-numbers.pdf"
    ours.write_bytes(archival_pdf(out.getvalue(), TEMPLATES, "lists").pdf)
    found = differences(ours, reference, docx)
    assert found and "III." in found[0]


def test_without_libreoffice_an_upload_it_would_need_is_refused_in_dutch(corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    with pytest.raises(ArchivalPdfError) as refused:
        archival_pdf(corpus["fallback--text-box"][0], TEMPLATES, "upload")
    assert "LibreOffice is not installed" in str(refused.value) and "LibreOffice" in refused.value.dutch
    assert "tekstvak" in refused.value.dutch
    assert archival_pdf(corpus["word--lists"][0], TEMPLATES, "upload").converter == "weasyprint"


def test_libreoffice_that_hangs_is_stopped_at_its_time_limit(monkeypatch, tmp_path):
    from docgen.letters.libreoffice import to_pdfa

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with pytest.raises(ArchivalPdfError, match="longer than 2 s"):
        to_pdfa(wordstyle.text_box(), timeout=2)


def test_libreoffice_does_not_outlive_a_render_process_that_is_killed(tmp_path):
    """The upload page renders in a child process its parent kills at its own time limit; the
    LibreOffice that child started must still stop at LibreOffice's limit."""
    import os
    import sys
    import time

    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/pid\nexec sleep 60\n")
    fake.chmod(0o755)
    render = subprocess.Popen([sys.executable, "-c", "import sys; from docgen.letters.libreoffice import to_pdfa; "
                               "to_pdfa(sys.stdin.buffer.read(), timeout=3)"], stdin=subprocess.PIPE,
                              env={**os.environ, "PATH": f"{tmp_path}:/usr/bin:/bin"})
    render.stdin.write(wordstyle.text_box())
    render.stdin.close()
    for _ in range(100):
        if (tmp_path / "pid").exists() and (tmp_path / "pid").read_text().strip():
            break
        time.sleep(0.1)
    render.kill()
    render.wait()
    pid = int((tmp_path / "pid").read_text())
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    pytest.fail("LibreOffice outlived the render process that started it")


def test_libreoffice_gets_the_final_text_and_nothing_to_fetch():
    from docgen.letters.libreoffice import prepared

    docx = wordstyle.build([wordstyle.p(wordstyle.r("Tekst"))], links={"{x}": "https://ind.nl/"})
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="file:///etc/passwd" TargetMode="External"/></Relationships>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with zipfile.ZipFile(io.BytesIO(prepared(out.getvalue()))) as ready:
        rels = ready.read("word/_rels/document.xml.rels").decode()
        settings = ready.read("word/settings.xml").decode()
    assert "/etc/passwd" not in rels and "https://ind.nl/" in rels  # a hyperlink is never fetched; it stays
    assert 'w:insDel="0"' in settings


def test_a_letterhead_logo_stays_on_the_fast_path_and_in_the_pdf(corpus, tmp_path):
    import pikepdf

    made, ours, _ = archive(corpus, "word--pictures", tmp_path)
    assert made.converter == "weasyprint"
    with pikepdf.open(ours) as pdf:
        drawn = [op for _, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "Do"]
        assert pdf.pages[0].get_images() and len(drawn) == 2  # the logo in the header, the picture in the text
