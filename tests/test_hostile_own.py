"""Our own hostile mail: bombs, nesting, executables and garbage are bounded, explained and never crash."""

from __future__ import annotations

import io
import time
import zipfile
from email.message import EmailMessage

import pytest

from docgen.errors import QuarantineError
from docgen.parse import Limits, parse_message


def _mail(body: str = "V-nummer 1234567890", subject: str = "M55") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "AVIM <avim@politie.nl>"
    msg["To"] = "b83@ind.nl"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def _zip_bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"A" * size + b"</w:document>")
    return buf.getvalue()


def _many_page_pdf(pages: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(200, 200)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_a_docx_zip_bomb_is_quarantined_without_unpacking_it():
    msg = _mail()
    bomb = _zip_bomb(60_000_000)
    assert len(bomb) < 1_000_000
    msg.add_attachment(bomb, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="m55.docx")
    with pytest.raises(QuarantineError, match="unpacks to"):
        parse_message(bytes(msg))


def test_a_pdf_with_thousands_of_pages_reads_only_the_first_pages():
    msg = _mail()
    msg.add_attachment(_many_page_pdf(3000), maintype="application", subtype="pdf", filename="scan.pdf")
    started = time.process_time()
    parsed = parse_message(bytes(msg), Limits(ocr=False))
    assert parsed.attachments[0].name == "scan.pdf"
    assert time.process_time() - started < 30  # a generous bound, not a benchmark: it must not run away


def test_forwards_nested_too_deep_are_quarantined():
    msg = _mail()
    for _ in range(5):
        outer = _mail("Doorgestuurd")
        outer.add_attachment(msg)
        msg = outer
    with pytest.raises(QuarantineError, match="nested deeper"):
        parse_message(bytes(msg))


@pytest.mark.parametrize("name", ["M55.pdf.exe", "formulier.js", "scan.PDF.scr", "..\\..\\x.pdf", "a/b.pdf"])
def test_executables_and_paths_in_attachment_names_are_quarantined(name):
    msg = _mail()
    msg.add_attachment(b"MZ...", maintype="application", subtype="octet-stream", filename=name)
    with pytest.raises(QuarantineError):
        parse_message(bytes(msg))


def test_a_garbage_pdf_is_a_warning_and_the_message_is_still_read():
    msg = _mail()
    msg.add_attachment(b"%PDF-1.7 this is not really a pdf", maintype="application", subtype="pdf", filename="m55.pdf")
    parsed = parse_message(bytes(msg))
    assert "1234567890" in parsed.body
    assert parsed.warnings and "m55.pdf" in parsed.warnings[0]


def test_an_unknown_charset_falls_back_instead_of_crashing():
    raw = (b"From: AVIM <avim@politie.nl>\r\nSubject: M55\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=x-unknown-8bit\r\n\r\nCli\xebnte V-nummer 1234567890\r\n")
    parsed = parse_message(raw)
    assert "Cliënte V-nummer 1234567890" in parsed.body


def test_a_message_with_too_many_parts_is_quarantined():
    msg = _mail()
    for i in range(150):
        msg.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"p{i}.bin")
    with pytest.raises(QuarantineError, match="parts"):
        parse_message(bytes(msg))


def test_script_and_remote_content_in_html_never_reach_the_text():
    raw = (b"From: AVIM <avim@politie.nl>\r\nSubject: M55\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"
           b"<html><head><script>alert('x')</script><style>p{}</style></head><body><p>V-nummer 1234567890</p>"
           b"<img src='http://169.254.169.254/'></body></html>")
    parsed = parse_message(raw)
    assert parsed.body == "V-nummer 1234567890"
