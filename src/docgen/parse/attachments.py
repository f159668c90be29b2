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
        self.reads = Reads(self)
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


def read_attachment(part, name: str, ctype: str, budget: Budget, warnings: list[str],
                    into: list[Attachment]) -> None:
    """Append the attachment to `into`; a PDF or a scan is appended as a placeholder and read in a
    worker meanwhile (see Reads), filled in when the message calls budget.reads.finish()."""
    limits = budget.limits
    payload = part.get_payload(decode=True) or b""
    lower = name.lower()
    attachment = Attachment(name, ctype, "", "none")
    try:
        if ctype == "application/pdf" or lower.endswith(".pdf"):
            budget.reads.add(into, len(into), warnings, "pdf", payload, name, ctype)
        elif ctype == _DOCX or lower.endswith(".docx"):
            attachment = Attachment(name, ctype, docx_text(payload, limits.max_docx_unpacked), "docx")
        elif ctype.startswith("image/"):
            if limits.ocr and min(Image.open(io.BytesIO(payload)).size) >= limits.min_ocr_image_side:
                budget.reads.add(into, len(into), warnings, "image", payload, name, ctype)
            # else a logo, not a scan (only the image's header was read)
        elif ctype.startswith("text/"):
            attachment = Attachment(name, ctype, decode_text(part), "plain")
    except QuarantineError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, UnidentifiedImageError, Image.DecompressionBombError,
            ElementTree.ParseError) as exc:
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001 - third-party readers raise their own types; a bad file is a warning
        warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    into.append(attachment)


class Reads:
    """One message's PDFs and scans, read in a worker one at a time (so the budgets hold exactly, and a
    message never holds two workers), the first sent at once: the worker reads it while the rest of the
    message is parsed. Forwarded messages share their outer message's Reads."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.queue: list[tuple] = []  # (into, slot, warnings, op, payload, name, ctype)
        self.current: tuple | None = None  # (into, slot, warnings, name, ctype, ticket, started)

    def add(self, into: list, slot: int, warnings: list[str], op: str, payload: bytes, name: str,
            ctype: str) -> None:
        self.queue.append((into, slot, warnings, op, payload, name, ctype))
        if self.current is None:
            self._start_next()

    def finish(self) -> None:
        """Wait for every read still going or queued, and put each attachment in its place."""
        while self.current is not None:
            self._collect()
            self._start_next()

    def cancel(self) -> None:
        self.queue.clear()
        if self.current is not None:
            self.current[5].cancel()
            self.current = None

    def _start_next(self) -> None:
        budget, limits = self.budget, self.budget.limits
        while self.queue and self.current is None:
            into, slot, warnings, op, payload, name, ctype = self.queue.pop(0)
            if budget.seconds <= 0:
                budget.skipped.append(name)
                continue
            job = sandbox.Job(op=op, name=name, max_pages=limits.max_pdf_pages, ocr=limits.ocr,
                              ocr_pages=max(0, budget.ocr_pages), max_pixels=limits.max_ocr_pixels,
                              ocr_seconds=max(0.0, min(budget.ocr_seconds, budget.seconds - 0.5)),
                              min_side=limits.min_ocr_image_side)
            started = time.monotonic()
            try:
                ticket = sandbox.submit(job, payload, limits.reader_memory_mb << 20)
            except sandbox.WorkerLost:
                warnings.append(_lost(name, "died", limits))
                budget.seconds -= time.monotonic() - started
                continue
            self.current = (into, slot, warnings, name, ctype, ticket, started)

    def _collect(self) -> None:
        into, slot, warnings, name, ctype, ticket, started = self.current
        self.current = None
        budget = self.budget
        try:
            reply = ticket.result(budget.seconds - (time.monotonic() - started))
        except sandbox.WorkerLost as lost:
            warnings.append(_lost(name, lost.args[0], budget.limits))
            return
        finally:
            budget.seconds -= time.monotonic() - started
        budget.ocr_pages -= int(reply["ocr_pages"])
        budget.ocr_seconds -= float(reply["ocr_seconds"])
        warnings.extend(str(w) for w in reply["warnings"])
        budget.not_ocrd.extend(str(w) for w in reply["not_ocrd"])
        into[slot] = Attachment(name, ctype, str(reply["text"]), str(reply["method"]))


def _lost(name: str, why: str, limits: Limits) -> str:
    if why == "time":
        return (f"attachment {name!r} was not read: reading it took longer than the {limits.max_read_seconds:g} s "
                "budget of this message")
    return (f"attachment {name!r} was not read: the reader stopped (over its memory limit of "
            f"{limits.reader_memory_mb} MB, or the file crashed it)")


def decode_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")
