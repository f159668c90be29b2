"""A hostile attachment costs a bounded amount of memory and time, and the monitor is told what was not read.

The bombs are built at run time (tests/hostile_mail.py); PDFs are read by real pdfium in reader
workers, scans by real tesseract.
"""

from __future__ import annotations

import json
import os
import subprocess

import hostile_mail as hostile
from conftest import DOCGEN, ROOT, run_docgen

from docgen.parse import Limits, parse_message


def classify_file(*paths) -> list[dict]:
    proc = run_docgen("classify", "--jsonl", *map(str, paths))
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_a_pdf_that_inflates_to_gigabytes_is_stopped_and_the_message_goes_to_triage(tmp_path):
    path = tmp_path / "bom.eml"
    path.write_bytes(hostile.pdf_attached(hostile.inflate_bomb_pdf(600 << 20), "proces-verbaal.pdf"))
    (row,) = classify_file(path)
    assert row["type"] == "m55" and row["v_nummers"] == [hostile.V]  # the mail itself is still read
    assert row["triage"] is True
    assert any("proces-verbaal.pdf" in r and "memory limit" in r for r in row["reasons"])
    assert any("proces-verbaal.pdf" in w for w in row["fields"]["waarschuwingen"])


def test_the_inflate_bomb_costs_the_reader_less_than_300_mb(tmp_path):
    path = tmp_path / "bom.eml"
    path.write_bytes(hostile.pdf_attached(hostile.inflate_bomb_pdf(600 << 20)))
    proc = subprocess.Popen([*DOCGEN, "classify", "--jsonl", str(path)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, for its rusage
    assert proc.returncode == 0
    assert usage.ru_maxrss < 300 * 1024  # KB, the largest of the command and its reader workers


def test_a_page_too_large_to_render_is_not_rendered_and_is_named():
    parsed = parse_message(hostile.pdf_attached(hostile.huge_page_pdf(14_400), "scan.pdf"))
    assert parsed.attachments[0].text == ""
    assert parsed.warnings == ("page 1 of 'scan.pdf' is too large to read by OCR (14400 × 14400 pt)",)


def test_blank_pages_are_not_sent_to_ocr_and_use_no_budget():
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(8):
        pdf.add_blank_page(page_size=(595, 842))
    out = __import__("io").BytesIO()
    pdf.save(out)
    parsed = parse_message(hostile.pdf_attached(out.getvalue()))
    assert parsed.warnings == () and parsed.attachments[0].method == "pdf-text"


def test_ocr_stops_after_the_pages_budget_of_the_message_and_says_which_were_not_read():
    msg = hostile.mail()
    for i in range(6):  # 6 scans of a page each; the budget is 4 OCR pages per message
        msg.add_attachment(hostile.text_noise_image(700, 60, seed=i), maintype="image", subtype="png",
                           filename=f"scan{i}.png")
    parsed = parse_message(bytes(msg))
    assert [a.method for a in parsed.attachments][4:] == ["none", "none"]
    (warning,) = parsed.warnings
    assert warning.startswith("2 page(s) or image(s) not read by OCR") and "'scan5.png'" in warning


def test_ocr_stops_when_the_seconds_budget_of_the_message_runs_out():
    raw = hostile.images_attached(2, side=3000, words=4000)
    parsed = parse_message(raw, Limits(max_ocr_seconds=1.0))
    (warning,) = parsed.warnings
    assert "OCR budget (4 pages, 1 s) was used up" in warning and "'scan1.png'" in warning


def test_a_pdf_that_takes_longer_than_the_reading_budget_is_stopped():
    raw = hostile.pdf_attached(hostile.inflate_bomb_pdf(25 << 20), "traag.pdf")
    parsed = parse_message(raw, Limits(ocr=False, reader_memory_mb=1500, max_read_seconds=0.2))
    assert parsed.warnings == ("attachment 'traag.pdf' was not read: reading it took longer than the 0.2 s "
                               "budget of this message",)


def test_after_a_killed_reader_the_next_pdf_is_read_by_a_fresh_one():
    assert parse_message(hostile.pdf_attached(hostile.inflate_bomb_pdf(300 << 20))).warnings
    parsed = parse_message(_pdf_with_text("Kennisgeving M55 voor V-nummer 1234567890"))
    assert "V-nummer 1234567890" in parsed.attachments[0].text and parsed.warnings == ()


def test_html_of_unclosed_style_tags_is_read_by_a_real_parser():
    parsed = parse_message(hostile.style_html(448_000))
    assert parsed.body == f"V-nummer {hostile.V}"  # the regular expressions kept 448 KB of '<style ' as text


def test_html_nested_beyond_the_parsers_depth_is_a_warning():
    parsed = parse_message(hostile.deep_html(5000))
    assert parsed.warnings and parsed.warnings[0].startswith("the HTML body could not be read completely")


def test_quotes_scripts_and_entities_in_html_are_read_as_before():
    raw = (b"From: AVIM <avim@politie.nl>\r\nSubject: M55\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"
           b"<html><head><title>t</title></head><body><p>Zie bijlage&nbsp;&amp; V-nummer 1234567890</p>"
           b"<script>var x = '</p>'</script><table><tr><td>a</td><td>b</td></tr></table>"
           b"<blockquote><div>oud bericht</div><blockquote>nog ouder</blockquote></blockquote></body></html>")
    parsed = parse_message(raw)
    assert parsed.body == "Zie bijlage & V-nummer 1234567890\n\na b"
    assert parsed.quoted == "oud bericht\nnog ouder"


def test_an_unreadable_attachment_is_stored_with_the_message_in_the_register(settings):
    from docgen.model import RawMessage
    from docgen.pipeline import Pipeline

    msg = hostile.mail()
    msg.add_attachment(b"%PDF-1.7 kapot", maintype="application", subtype="pdf", filename="m55.pdf")
    pipeline = Pipeline(settings)
    outcome = pipeline.process(RawMessage("test", "a.eml", "a.eml", bytes(msg)), draft=False)
    assert outcome.status == "triage"
    (row,) = pipeline.store.messages()
    assert json.loads(row["fields"])["waarschuwingen"] == ["attachment 'm55.pdf' could not be read: PdfiumError"]
    assert "not everything could be read: attachment 'm55.pdf'" in row["triage_reasons"]
    pipeline.store.close()


def _pdf_with_text(text: str) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return hostile.pdf_attached(out.getvalue(), "m55.pdf")
