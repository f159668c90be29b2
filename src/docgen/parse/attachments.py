"""Attachments → text, within one message's budget.

PDFs and scans are read by reader workers (parse/sandbox.py) with a memory limit and the time left
in the message's budget; DOCX is read here from the zip with size limits. An attachment that could
not be read, or only in part, leaves a warning on the message: the message is still classified, and
goes to triage with the warning as its reason (a human reads what we could not). Only what makes the
whole message unsafe (an executable, a path in a name, a DOCX bomb) raises QuarantineError.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from PIL import Image, UnidentifiedImageError

from docgen.errors import QuarantineError
from docgen.model import Attachment
from docgen.parse import sandbox
from docgen.parse.docx import docx_text

Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb raises instead of eating memory
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 40_000_000
    max_parts: int = 100
    max_depth: int = 3  # forwarded messages inside forwarded messages
    max_nesting: int = 30  # multiparts inside multiparts
    max_pdf_pages: int = 30
    max_ocr_pages: int = 4  # per message, PDFs and images together
    max_ocr_seconds: float = 6.0  # per message
    max_read_seconds: float = 8.0  # per message: all time spent in reader workers, OCR included
    max_ocr_pixels: int = 16_000_000  # a page or image larger than A2 at 200 dpi is not rendered
    reader_memory_mb: int = 256  # RLIMIT_AS of a reader worker (and of its tesseract)
    max_docx_unpacked: int = 30_000_000
    min_ocr_image_side: int = 600  # smaller images are logos, not scans
    ocr: bool = True


class Budget:
    """What one message may still spend on reading attachments; shared by its forwarded messages."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.seconds = limits.max_read_seconds
        self.ocr_pages = limits.max_ocr_pages
        self.ocr_seconds = limits.max_ocr_seconds
        self.skipped: list[str] = []  # attachments the reading time did not reach
        self.not_ocrd: list[str] = []  # pages and images the OCR budget did not reach

    def summary(self) -> list[str]:
        """One warning per budget that ran out (not one per page: a message may have 99 parts)."""
        out, limits = [], self.limits
        if self.not_ocrd:
            out.append(f"{len(self.not_ocrd)} page(s) or image(s) not read by OCR: this message's OCR budget "
                       f"({limits.max_ocr_pages} pages, {limits.max_ocr_seconds:g} s) was used up: "
                       f"{_some(self.not_ocrd)}")
        if self.skipped:
            out.append(f"{len(self.skipped)} attachment(s) not read: this message's "
                       f"{limits.max_read_seconds:g} s budget for reading attachments was used up: "
                       f"{_some([repr(n) for n in self.skipped])}")
        return out


def _some(items: list[str]) -> str:
    return ", ".join(items[:5]) + (", …" if len(items) > 5 else "")


def read_attachment(part, name: str, ctype: str, budget: Budget, warnings: list[str]) -> Attachment:
    limits = budget.limits
    payload = part.get_payload(decode=True) or b""
    lower = name.lower()
    try:
        if ctype == "application/pdf" or lower.endswith(".pdf"):
            return _in_worker("pdf", payload, name, ctype, budget, warnings)
        if ctype == _DOCX or lower.endswith(".docx"):
            return Attachment(name, ctype, docx_text(payload, limits.max_docx_unpacked), "docx")
        if ctype.startswith("image/"):
            if not limits.ocr or min(Image.open(io.BytesIO(payload)).size) < limits.min_ocr_image_side:
                return Attachment(name, ctype, "", "none")  # a logo, not a scan (only the header was read)
            return _in_worker("image", payload, name, ctype, budget, warnings)
        if ctype.startswith("text/"):
            return Attachment(name, ctype, decode_text(part), "plain")
    except QuarantineError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, UnidentifiedImageError, Image.DecompressionBombError,
            ElementTree.ParseError) as exc:
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001 - third-party readers raise their own types; a bad file is a warning
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    return Attachment(name, ctype, "", "none")


def _in_worker(op: str, payload: bytes, name: str, ctype: str, budget: Budget, warnings: list[str]) -> Attachment:
    limits = budget.limits
    if budget.seconds <= 0:
        budget.skipped.append(name)
        return Attachment(name, ctype, "", "none")
    job = sandbox.Job(op=op, name=name, max_pages=limits.max_pdf_pages, ocr=limits.ocr,
                      ocr_pages=max(0, budget.ocr_pages), max_pixels=limits.max_ocr_pixels,
                      ocr_seconds=max(0.0, min(budget.ocr_seconds, budget.seconds - 0.5)),
                      min_side=limits.min_ocr_image_side)
    started = time.monotonic()
    try:
        reply = sandbox.read(job, payload, budget.seconds, limits.reader_memory_mb << 20)
    except sandbox.WorkerLost as lost:
        if lost.args[0] == "time":
            warnings.append(f"attachment {name!r} was not read: reading it took longer than the "
                            f"{limits.max_read_seconds:g} s budget of this message")
        else:
            warnings.append(f"attachment {name!r} was not read: the reader stopped (over its memory limit of "
                            f"{limits.reader_memory_mb} MB, or the file crashed it)")
        return Attachment(name, ctype, "", "none")
    finally:
        budget.seconds -= time.monotonic() - started
    budget.ocr_pages -= int(reply["ocr_pages"])
    budget.ocr_seconds -= float(reply["ocr_seconds"])
    warnings.extend(str(w) for w in reply["warnings"])
    budget.not_ocrd.extend(str(w) for w in reply["not_ocrd"])
    return Attachment(name, ctype, str(reply["text"]), str(reply["method"]))


def decode_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")
