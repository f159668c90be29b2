"""The parts of a DOCX the archival PDF is made from, read safely: no DTDs or entities, no network,
no part larger than a letter could be. A construct the fast converter cannot render faithfully
raises `Unsupported`, naming it in English (for the log) without any of the document's text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from docgen.errors import ArchivalPdfError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = f"{{{W_NS}}}"
R = f"{{{R_NS}}}"
MC = f"{{{MC_NS}}}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
MAX_PART = 20_000_000  # bytes of one XML part; the upload page allows the same for document.xml
MAX_TOTAL = 200_000_000  # bytes of all parts unpacked: a zip bomb is refused before anything reads it

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)


class Unsupported(Exception):
    """The fast converter cannot prove its PDF equals LibreOffice's for this construct."""

    def __init__(self, construct: str):
        self.construct = construct
        super().__init__(construct)


@dataclass(frozen=True)
class Package:
    document: etree._Element
    styles: etree._Element | None
    numbering: etree._Element | None
    settings: etree._Element | None
    headers: dict[str, etree._Element]       # relationship id → w:hdr or w:ftr root
    images: dict[str, dict[str, bytes]]      # "" (the document) or a header's id → image id → bytes


def read_package(docx: bytes) -> Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile as exc:
        raise ArchivalPdfError("the upload is not a DOCX file (not a zip archive)",
                               "Het bestand is geen Word-document (.docx).") from exc
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_TOTAL:
            raise ArchivalPdfError(f"the DOCX unpacks to more than {MAX_TOTAL} bytes", "Het Word-document is te groot.")
        main = _main_part(archive)
        rels = _relationships(archive, main)

        def part_of(kind: str) -> etree._Element | None:
            for _, (k, path) in rels.items():
                if k == kind and path:
                    return _xml(archive, path)
            return None

        headers = {rid: path for rid, (kind, path) in rels.items() if kind in ("header", "footer") and path}
        images = {"": _images(archive, rels)}
        images |= {rid: _images(archive, _relationships(archive, path)) for rid, path in headers.items()}
        return Package(document=_xml(archive, main), styles=part_of("styles"), numbering=part_of("numbering"),
                       settings=part_of("settings"),
                       headers={rid: _xml(archive, path) for rid, path in headers.items()}, images=images)


def _images(archive: zipfile.ZipFile, rels: dict[str, tuple[str, str | None]]) -> dict[str, bytes]:
    found = {}
    for rid, (kind, path) in rels.items():
        if kind == "image" and path and path in archive.namelist() and archive.getinfo(path).file_size <= MAX_PART:
            found[rid] = archive.read(path)
    return found


def _main_part(archive: zipfile.ZipFile) -> str:
    for target, kind, _ in _rels_file(archive, "_rels/.rels"):
        if kind == "officeDocument":
            return target.lstrip("/")
    return "word/document.xml"


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str | None]]:
    """A part's relationships: id → (type, the target part's path, or None for an external target)."""
    folder, name = posixpath.split(part)
    found = {}
    for element in _rels_elements(archive, posixpath.join(folder, "_rels", f"{name}.rels")):
        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
        target = element.get("Target") or ""
        if element.get("TargetMode") == "External":
            found[element.get("Id")] = (kind, None)
        else:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id")] = (kind, posixpath.normpath(path))
    return found


def _rels_file(archive: zipfile.ZipFile, path: str):
    for element in _rels_elements(archive, path):
        yield element.get("Target") or "", (element.get("Type") or "").rsplit("/", 1)[-1], element


def _rels_elements(archive: zipfile.ZipFile, path: str) -> list:
    if path not in archive.namelist():
        return []
    return list(_xml(archive, path).iter(f"{{{PKG_REL_NS}}}Relationship"))


def _xml(archive: zipfile.ZipFile, path: str) -> etree._Element:
    try:
        info = archive.getinfo(path)
    except KeyError as exc:
        raise ArchivalPdfError(f"the DOCX lacks its part {path}", "Het Word-document is onvolledig.") from exc
    if info.file_size > MAX_PART:
        raise ArchivalPdfError(f"the DOCX part {path} is larger than {MAX_PART} bytes",
                               "Het Word-document is te groot.")
    try:
        root = etree.fromstring(archive.read(info), PARSER)
    except etree.XMLSyntaxError as exc:
        raise ArchivalPdfError(f"the DOCX part {path} is not well-formed XML",
                               "Het Word-document is beschadigd.") from exc
    if root.getroottree().docinfo.doctype:
        raise ArchivalPdfError(f"the DOCX part {path} declares a DTD", "Het Word-document is beschadigd.")
    return root


def val(element, name: str = "val", default: str | None = None) -> str | None:
    """An attribute in the w: namespace (w:val by default)."""
    return default if element is None else element.get(f"{W}{name}", default)


def on(element) -> bool:
    """A toggle like <w:b/>, <w:b w:val="0"/>: present and not switched off."""
    return element is not None and val(element) not in ("0", "false", "off")


def twips(element, name: str, default: int = 0) -> int:
    raw = val(element, name)
    try:
        return int(float(raw)) if raw is not None else default
    except ValueError:
        return default


def local(element) -> str:
    """`w:p` for a WordprocessingML element, the Clark name for any other."""
    tag = element.tag if isinstance(element.tag, str) else ""
    for prefix, namespace in (("w:", W), ("mc:", MC), ("m:", M)):
        if tag.startswith(namespace):
            return prefix + tag[len(namespace):]
    return tag


MARKERS = {"w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:permStart", "w:permEnd",
           "w:commentRangeStart", "w:commentRangeEnd", "w:moveFromRangeStart", "w:moveFromRangeEnd",
           "w:moveToRangeStart", "w:moveToRangeEnd"}  # range marks that print nothing


def sdt_content(sdt):
    """The content of a content control, which Writer prints as it stands."""
    props = sdt.find(f"{W}sdtPr")
    if props is not None and props.find(f"{W}dataBinding") is not None:
        raise Unsupported("content control bound to data")
    content = sdt.find(f"{W}sdtContent")
    return content if content is not None else []
