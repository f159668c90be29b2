"""Text from DOCX attachments, read straight from the zip with size limits (no macro, no fetch)."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from docgen.errors import QuarantineError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = ("word/document.xml",)


def docx_text(data: bytes, max_unpacked: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > max_unpacked:
            raise QuarantineError(f"DOCX unpacks to {total} bytes, more than the limit {max_unpacked}")
        paragraphs: list[str] = []
        for name in _PARTS:
            if name not in archive.namelist():
                continue
            with archive.open(name) as stream:
                paragraphs.extend(_paragraphs(stream))
        return "\n".join(paragraphs)


def _paragraphs(stream) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for _, element in ElementTree.iterparse(stream, events=("end",)):
        tag = element.tag
        if tag == _W + "t":
            current.append(element.text or "")
        elif tag in (_W + "tab",):
            current.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            current.append("\n")
        elif tag == _W + "p":
            out.append("".join(current))
            current = []
            element.clear()
    return out
