"""The text two PDFs print, compared as a reader would: every character, in order, page furniture too.

Whitespace is normalised away (a tab or a line break lays out differently in each renderer, the
words do not), and so are the Symbol/Wingdings private-use code points LibreOffice keeps for some
bullets (they draw the same bullet as the Unicode character). Headers and footers repeat on every
page, so where a document has them, each page is cut into header band, body and footer band at the
section's margins: the bodies must agree as one stream, the bands page by page.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

# Symbol's bullet and minus, Wingdings' square, arrowhead, diamond, box and black square.
SYMBOL_GLYPHS = {"\uf0b7": "\u2022", "\uf02d": "\u2212", "\uf0a7": "\u25aa", "\uf0d8": "\u27a2",
                 "\uf076": "\u2756", "\uf071": "\u2751", "\uf06e": "\u25a0"}


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(SYMBOL_GLYPHS.get(ch, ch) for ch in text).replace("\u00ad", "")
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return float(width), float(height)


def text(pdf: Path, page: int | None = None, band: tuple[float, float] | None = None, layout: bool = False) -> str:
    """pdftotext in content order (-raw: independent of column guessing) or, with `layout`, top to
    bottom as on paper; optionally one page and one horizontal band of it (points from the top)."""
    args = ["pdftotext", "-layout" if layout else "-raw", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if band is not None:
        width, _ = page_size(pdf)
        args += ["-r", "72", "-x", "0", "-y", f"{band[0]:.0f}", "-W", f"{width:.0f}", "-H", f"{band[1] - band[0]:.0f}"]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def shown_as_final(docx: bytes) -> bytes:
    """The DOCX with Writer told to show tracked changes as final text (w:revisionView), as a letter
    is archived; by default LibreOffice prints deletions struck through. Nothing else changes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/settings.xml":
                data = re.sub(rb"(<w:settings\b[^>]*>)", rb'\1<w:revisionView w:markup="0" w:insDel="0" '
                              rb'w:formatting="0"/>', data, count=1)
            target.writestr(info, data)
    return out.getvalue()


def has_furniture(docx: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    return "<w:headerReference" in document or "<w:footerReference" in document


def margins(docx: bytes) -> tuple[float, float]:
    import docx as python_docx

    section = python_docx.Document(io.BytesIO(docx)).sections[-1]
    return section.top_margin.pt, section.bottom_margin.pt


def differences(ours: Path, reference: Path, docx: bytes) -> list[str]:
    """What the two PDFs print differently; empty when they agree."""
    if not has_furniture(docx):
        return _differ("text", squash(text(ours)), squash(text(reference)))
    top, bottom = margins(docx)
    found: list[str] = []
    sides = []
    for pdf in (ours, reference):
        _, height = page_size(pdf)
        pages = range(1, pdf_pages(pdf) + 1)
        sides.append([(text(pdf, n, (0, top)), text(pdf, n, (top, height - bottom)),
                       text(pdf, n, (height - bottom, height))) for n in pages])
    mine, theirs = sides
    found += _differ("body", squash("".join(b for _, b, _ in mine)), squash("".join(b for _, b, _ in theirs)))
    for number, (head, _, foot) in enumerate(mine, 1):
        match = _same_kind_page(number, len(mine), len(theirs))
        if match is None:
            found.append(f"page {number}: the reference has no page of the same kind (pagination differs)")
            continue
        other_head, _, other_foot = theirs[match - 1]
        exact = len(mine) == len(theirs)
        for where, a, b in (("header", head, other_head), ("footer", foot, other_foot)):
            if not exact:
                a, b = _mask_page_numbers(a, number, len(mine)), _mask_page_numbers(b, match, len(theirs))
            found += _differ(f"page {number} {where}", squash(a), squash(b))
    return found


def _same_kind_page(number: int, ours: int, theirs: int) -> int | None:
    if ours == theirs:
        return number
    kind = lambda n: "first" if n == 1 else ("even" if n % 2 == 0 else "odd")  # noqa: E731
    return next((n for n in range(1, theirs + 1) if kind(n) == kind(number)), None)


def _mask_page_numbers(band: str, page: int, pages: int) -> str:
    return re.sub(r"(?<!\d)\d+(?!\d)", lambda m: "#" if m.group(0) in (str(page), str(pages)) else m.group(0), band)


def _differ(where: str, ours: str, reference: str) -> list[str]:
    if ours == reference:
        return []
    at = next((i for i, (a, b) in enumerate(zip(ours, reference, strict=False)) if a != b), min(len(ours), len(reference)))
    return [f"{where}: ours …{ours[max(0, at - 40):at + 40]}… vs LibreOffice …{reference[max(0, at - 40):at + 40]}…"]
