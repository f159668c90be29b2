"""Text from PDF attachments and scans: the text layer (pdfium), OCR for image-only pages and images.

These functions run inside a reader worker (parse/worker.py) under a memory limit; the worker's
parent enforces the time limit. What the budget does not allow is not read, and says so: a page too
large to render, OCR pages or seconds used up. Those readings are `over_limit` and send the message
to triage with the reason.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from docgen.parse import ocr

OCR_DPI = 200
MIN_TEXT_CHARS = 20  # a page with less text than this is treated as a scan
MAX_TEXT_CHARS = 1_000_000  # per attachment; more is cut off (and said)


@dataclass
class OcrBudget:
    """What is left of one message's OCR budget (pages, seconds); `max_pixels` bounds each render."""

    pages: int
    seconds: float
    max_pixels: int
    enabled: bool = True
    used_pages: int = 0
    used_seconds: float = 0.0


@dataclass
class Reading:
    text: str = ""
    method: str = "none"  # pdf-text, ocr, none
    warnings: list[str] = field(default_factory=list)
    over_limit: bool = False
    not_ocrd: list[str] = field(default_factory=list)  # pages and images the OCR budget did not reach

    def refuse(self, reason: str) -> None:
        self.warnings.append(reason)
        self.over_limit = True


def pdf_text(data: bytes, name: str, max_pages: int, budget: OcrBudget) -> Reading:
    """Pages beyond `max_pages` are not read; image-only pages are OCR'd while the budget lasts."""
    import pypdfium2 as pdfium

    reading = Reading(method="pdf-text")
    pdf = pdfium.PdfDocument(data)
    try:
        texts: list[str] = []
        for index in range(min(len(pdf), max_pages)):  # a PDF's later pages never decide its type
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                textpage.close()
                if len(text.strip()) < MIN_TEXT_CHARS and budget.enabled and _has_image(page):
                    text = _ocr_page(page, index, name, budget, reading) or text
                texts.append(text)
            finally:
                page.close()
        reading.text = _cap("\n".join(_clean(t) for t in texts), name, reading)
        return reading
    finally:
        pdf.close()


def _has_image(page) -> bool:
    """Only a page with an image on it can be a scan; a blank or vector-only page needs no OCR."""
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])), None) is not None


def _ocr_page(page, index: int, name: str, budget: OcrBudget, reading: Reading) -> str:
    width, height = page.get_size()
    scale = OCR_DPI / 72
    pixels = width * scale * height * scale
    where = f"page {index + 1} of {name!r}"
    if pixels > budget.max_pixels:
        reading.refuse(f"{where} is too large to read by OCR ({width:.0f} × {height:.0f} pt)")
        return ""
    if not _budget_left(budget, where, reading):
        return ""
    image = page.render(scale=scale, grayscale=True).to_pil()
    text = _run_ocr(image, where, budget, reading)
    if text:
        reading.method = "ocr"
    return text


def image_text(data: bytes, name: str, min_side: int, budget: OcrBudget) -> Reading:
    """A scanned image: OCR'd when it is large enough to be a page and the budget allows."""
    from PIL import Image

    reading = Reading()
    image = Image.open(io.BytesIO(data))
    if min(image.size) < min_side:
        return reading  # a logo or a signature, not a scan
    where = f"image {name!r}"
    if image.size[0] * image.size[1] > budget.max_pixels:
        reading.refuse(f"{where} is too large to read by OCR ({image.size[0]} × {image.size[1]} px)")
        return reading
    if not _budget_left(budget, where, reading):
        return reading
    reading.text = _cap(_run_ocr(image, where, budget, reading), name, reading)
    reading.method = "ocr" if reading.text else "none"
    return reading


def _budget_left(budget: OcrBudget, where: str, reading: Reading) -> bool:
    if budget.used_pages >= budget.pages or budget.used_seconds >= budget.seconds:
        reading.not_ocrd.append(where)
        reading.over_limit = True
        return False
    return True


def _run_ocr(image, where: str, budget: OcrBudget, reading: Reading) -> str:
    started = time.monotonic()
    budget.used_pages += 1
    try:
        return ocr.ocr_image(image, timeout=budget.seconds - budget.used_seconds)
    except ocr.OcrTimeout:
        budget.used_seconds = budget.seconds  # nothing left for the pages after this one
        reading.not_ocrd.append(where)
        reading.over_limit = True
        return ""
    finally:
        budget.used_seconds = min(budget.seconds, budget.used_seconds + time.monotonic() - started)


def _cap(text: str, name: str, reading: Reading) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    reading.refuse(f"attachment {name!r}: the text was cut off after {MAX_TEXT_CHARS} characters")
    return text[:MAX_TEXT_CHARS]


def _clean(text: str) -> str:
    # pdfium marks a hyphen where a word was broken across lines with \x02.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-").replace("\xad", "")
