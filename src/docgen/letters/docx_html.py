"""The body of a rendered DOCX as simple HTML for the archival PDF: paragraphs, bold/italic/underline
runs, line breaks, headings and tables. Reads only word/document.xml: fast, and nothing is fetched."""

from __future__ import annotations

import io
import zipfile
from html import escape
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_html(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    body = root.find(f"{W}body")
    return "".join(_block(child) for child in body) if body is not None else ""


def _block(element) -> str:
    if element.tag == f"{W}p":
        return _paragraph(element)
    if element.tag == f"{W}tbl":
        rows = []
        for row in element.iter(f"{W}tr"):
            cells = "".join(f"<td>{''.join(_block(c) for c in cell)}</td>" for cell in row.findall(f"{W}tc"))
            rows.append(f"<tr>{cells}</tr>")
        return f"<table>{''.join(rows)}</table>"
    return ""


def _paragraph(p) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    name = (style.get(f"{W}val") or "") if style is not None else ""
    tag = f"h{name[-1]}" if name.startswith("Heading") and name[-1:].isdigit() else "p"
    content = "".join(_run(r) for r in p.iter(f"{W}r"))
    return f"<{tag}>{content or '&#160;'}</{tag}>"


def _run(run) -> str:
    parts = []
    for child in run:
        if child.tag == f"{W}t":
            parts.append(escape(child.text or ""))
        elif child.tag == f"{W}tab":
            parts.append("&#9;")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("<br/>")
    text = "".join(parts)
    props = run.find(f"{W}rPr")
    if props is not None and text:
        if _on(props.find(f"{W}b")):
            text = f"<strong>{text}</strong>"
        if _on(props.find(f"{W}i")):
            text = f"<em>{text}</em>"
        if props.find(f"{W}u") is not None and props.find(f"{W}u").get(f"{W}val") not in ("none", None):
            text = f"<u>{text}</u>"
    return text


def _on(flag) -> bool:
    return flag is not None and flag.get(f"{W}val") not in ("0", "false", "off")
