"""Text from PDF attachments: the text layer in-process (pdfium), OCR for image-only pages."""

from __future__ import annotations

import pypdfium2 as pdfium

from docgen.parse import ocr

OCR_DPI = 200
MIN_TEXT_CHARS = 20  # a page with less text than this is treated as a scan


def pdf_text(data: bytes, max_pages: int, max_ocr_pages: int, use_ocr: bool = True) -> tuple[str, str]:
    """Return (text, method). Pages beyond the limits are not read, so a PDF bomb costs little."""
    pdf = pdfium.PdfDocument(data)
    try:
        texts: list[str] = []
        ocr_done = 0
        method = "pdf-text"
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                textpage.close()
                if len(text.strip()) < MIN_TEXT_CHARS and use_ocr and ocr_done < max_ocr_pages:
                    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
                    text = ocr.ocr_image(image)
                    ocr_done += 1
                    method = "ocr"
                texts.append(text)
            finally:
                page.close()
        return "\n".join(_clean(t) for t in texts), method
    finally:
        pdf.close()


def _clean(text: str) -> str:
    # pdfium marks a hyphen where a word was broken across lines with \x02.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-").replace("\xad", "")
