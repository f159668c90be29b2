"""What keeps a letter from becoming final: placeholders and open points left in its text.

One function for the web page, the CLI and `templates check`: approve and co-sign are refused while it
finds anything, and the case page lists what it found.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

# "[OPEN PUNT …]", "[naam behandelaar]", "[datum onbekend]", "[gemeente van inschrijving]": a bracket that
# opens with OPEN PUNT or a lower-case word is a placeholder; "[1]" or "[sic]"-like Latin is rare in letters.
PLACEHOLDER = re.compile(r"\[(?:OPEN PUNT[^\]]*|[a-zà-ÿ][^\[\]\n]{1,120})\]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def unfinished(text: str) -> list[str]:
    """Every placeholder or open point in the text, once, in order."""
    return list(dict.fromkeys(m.group(0) for m in PLACEHOLDER.finditer(text)))


def docx_plain_text(data: bytes) -> str:
    """All text a reader of the DOCX sees (body, headers, footers, notes), paragraph by paragraph."""
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(n for n in archive.namelist() if _PARTS.match(n)):
            root = ElementTree.fromstring(archive.read(name))
            for paragraph in root.iter(f"{_W}p"):
                out.append("".join(t.text or "" for t in paragraph.iter(f"{_W}t")))
    return "\n".join(out)


def docx_unfinished(data: bytes) -> list[str]:
    return unfinished(docx_plain_text(data))
