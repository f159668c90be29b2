"""What an uploaded DOCX may hold: only what a letter needs. Bytes in, clean bytes out, or a refusal
whose reason (in Dutch) tells the behandelaar what to change in Word.

Per construct, and why:
- macros (vbaProject, macro-enabled types, .docm), ActiveX, embedded objects (OLE, packages),
  embedded fonts: refused. A letter needs none of them; they run or parse code in the next
  reader's Word, and cutting them out would leave holes in the letter its author did not see.
- an external `attachedTemplate`: stripped. Word records the template a document was made from
  and fetches it on opening (remote template injection, a leaked Windows hash); the letter's
  text does not depend on it, so removing it changes nothing anyone reads.
- other external relations (frames, subDocument, linked OLE objects or images, mail-merge
  sources) and fields that fetch or run (DDE, INCLUDETEXT, INCLUDEPICTURE, LINK, IMPORT):
  refused. They pull content from elsewhere: what is read later would not be what was uploaded.
- external hyperlinks: kept for http, https and mailto. A letter may point to a web page; Word
  fetches nothing on opening and the link's text is visible. Other schemes (file:, UNC) refused.
- hidden text (`w:vanish`), comments and tracked changes: refused. Word hides them from the
  author, the addressee can reveal them, and deleting text silently from a decision is worse
  than asking the author to look.
- XML with a DTD (entities, XML bombs): refused; Word never writes one.
- sizes: the upload, every part *uncompressed* (as read, not as the zip header claims) and all
  parts together are bounded, so a zip bomb is refused before anything is stored.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from urllib.parse import urlsplit

from lxml import etree

from docgen.errors import DocgenError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PART_BYTES = 10 * 1024 * 1024  # uncompressed, every part: also word/document.xml
MAX_TOTAL_BYTES = 40 * 1024 * 1024
MAX_PARTS = 1000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN = WML + "document.main+xml"
ALLOWED_TYPES = {
    MAIN, *(f"{WML}{kind}+xml" for kind in ("styles", "settings", "webSettings", "fontTable", "numbering",
                                            "footnotes", "endnotes", "header", "footer",
                                            "document.glossary", "people")),
    "application/vnd.ms-word.stylesWithEffects+xml",
    "application/vnd.openxmlformats-officedocument.theme+xml",
    "application/vnd.openxmlformats-package.core-properties+xml",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    "application/vnd.openxmlformats-package.relationships+xml",
    "application/xml", "text/xml",
    "image/png", "image/jpeg", "image/gif", "image/x-emf", "image/x-wmf",
}
WORD_TEXT = {MAIN, *(f"{WML}{kind}+xml" for kind in ("styles", "numbering", "footnotes", "endnotes", "header",
                                                     "footer", "document.glossary"))}
EMBEDDED = {f"{{{W}}}{tag}" for tag in ("object", "control", "objectEmbed", "objectLink", "altChunk", "subDoc")}
TRACKED = {f"{{{W}}}{tag}" for tag in ("ins", "del", "moveFrom", "moveTo")}
COMMENTS = {f"{{{W}}}{tag}" for tag in ("commentReference", "commentRangeStart")}
FETCHING_FIELD = re.compile(r"\b(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE|LINK|IMPORT|INCLUDE)\b", re.IGNORECASE)
LINK_SCHEMES = ("http", "https", "mailto")

NOT_DOCX = "Dit is geen Word-document (.docx). Sla het op als Word-document en upload het opnieuw."
MACROS = ("Het document bevat macro's. Een brief heeft die niet nodig: sla het op als "
          "'Word-document (*.docx)', niet als document met macro's (.docm), en upload het opnieuw.")
EMBEDS = ("Het document bevat ingesloten objecten of ActiveX-besturingselementen ({what}). "
          "Verwijder ze (of plak ze als afbeelding) en upload het opnieuw.")
HIDDEN = ("Het document bevat verborgen tekst. Maak die zichtbaar en verwijder haar "
          "(Bestand > Info > Controleren op problemen > Document inspecteren) en upload het opnieuw.")
TRACKED_CHANGES = ("Het document bevat bijgehouden wijzigingen. Accepteer of weiger alle wijzigingen "
                   "(Controleren > Accepteren) en upload het opnieuw.")
COMMENTED = "Het document bevat opmerkingen. Verwijder alle opmerkingen en upload het opnieuw."
EXTERNAL = ("Het document haalt inhoud van buiten het document op ({what}). "
            "Verwijder die koppeling en upload het opnieuw.")
TOO_BIG = "Het document is te groot voor een brief ({what}). Verklein het en upload het opnieuw."
DAMAGED = "Het document is beschadigd of onleesbaar ({what}). Sla het opnieuw op in Word en upload het opnieuw."
OTHER_PART = "Het document bevat een onderdeel dat een brief niet nodig heeft: {what}. Verwijder het en upload het opnieuw."


class UploadRefused(DocgenError):
    """Raised when an uploaded document holds more than a letter needs; `reason` is for the user."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def sanitize_upload(data: bytes, filename: str = "") -> bytes:
    """The DOCX as it will be stored: checked part by part, rebuilt from scratch, external template cut."""
    if filename.lower().endswith((".docm", ".dotm")):
        raise UploadRefused(MACROS)
    parts = _read_parts(data)
    types = _content_types(parts)
    for name in parts:
        _check_part(name, _type_of(name, types))
    _check_main(parts, types)
    stripped: dict[str, set[str]] = {}
    for name in [n for n in parts if n.endswith(".rels")]:
        parts[name], cut = _check_relations(name, parts[name])
        if cut:
            stripped[_source_of(name)] = cut
    for name, content in parts.items():
        ctype = _type_of(name, types)
        if name.endswith(".rels") or not (ctype.endswith("xml") or name.endswith(".xml")):
            continue
        tree = _parse(name, content)
        if ctype in WORD_TEXT:
            _check_text(tree)
        if name in stripped:
            parts[name] = _cut_references(tree, stripped[name])
    return _write(parts)


def _read_parts(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(TOO_BIG.format(what=f"meer dan {MAX_UPLOAD_BYTES // 2**20} MB"))
    if data[:4] == b"\xd0\xcf\x11\xe0":  # OLE compound file: an old .doc, or an encrypted .docx
        raise UploadRefused("Dit is een oud Word-bestand (.doc) of een document met een wachtwoord. "
                            "Sla het op als Word-document (.docx) zonder wachtwoord en upload het opnieuw.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UploadRefused(NOT_DOCX) from None
    if len(infos) > MAX_PARTS:
        raise UploadRefused(TOO_BIG.format(what=f"meer dan {MAX_PARTS} onderdelen"))
    parts: dict[str, bytes] = {}
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")):
            raise UploadRefused(DAMAGED.format(what=f"onderdeel met ongeldige naam {name[:80]!r}"))
        if name.lower() in seen:
            raise UploadRefused(DAMAGED.format(what=f"onderdeel {name[:80]} staat er twee keer in"))
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise UploadRefused(DAMAGED.format(what="versleuteld onderdeel"))
        if info.file_size > MAX_PART_BYTES:
            raise UploadRefused(TOO_BIG.format(what=f"{name[:80]} is uitgepakt groter dan {MAX_PART_BYTES // 2**20} MB"))
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_PART_BYTES + 1)  # never more than the limit, whatever the header says
        except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, RuntimeError):
            raise UploadRefused(DAMAGED.format(what=name[:80])) from None
        if len(content) > MAX_PART_BYTES:
            raise UploadRefused(TOO_BIG.format(what=f"{name[:80]} is uitgepakt groter dan {MAX_PART_BYTES // 2**20} MB"))
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise UploadRefused(TOO_BIG.format(what=f"uitgepakt meer dan {MAX_TOTAL_BYTES // 2**20} MB"))
        parts[name] = content
    if "[Content_Types].xml" not in parts:
        raise UploadRefused(NOT_DOCX)
    return parts


def _content_types(parts: dict[str, bytes]) -> dict[str, str]:
    """Part name or `*.extension` (lower case) → content type, from [Content_Types].xml."""
    tree = _parse("[Content_Types].xml", parts["[Content_Types].xml"])
    types: dict[str, str] = {}
    for item in tree.getroot():
        if item.tag == f"{{{CT}}}Default":
            types["*." + item.get("Extension", "").lower()] = item.get("ContentType", "")
        elif item.tag == f"{{{CT}}}Override":
            types[item.get("PartName", "").lstrip("/").lower()] = item.get("ContentType", "")
    return types


def _type_of(name: str, types: dict[str, str]) -> str:
    if name == "[Content_Types].xml":
        return "application/xml"
    return types.get(name.lower()) or types.get("*." + name.rpartition(".")[2].lower(), "")


def _check_part(name: str, ctype: str) -> None:
    lowered, kind = name.lower(), ctype.lower()
    if "vba" in lowered.rpartition("/")[2] or "vbaproject" in kind or "vbadata" in kind or "macroenabled" in kind:
        raise UploadRefused(MACROS)
    if "activex" in kind or "activex" in lowered or "oleobject" in kind or lowered.startswith("word/embeddings/"):
        raise UploadRefused(EMBEDS.format(what=name))
    if "font" in kind and "fonttable" not in kind:
        raise UploadRefused(OTHER_PART.format(what=f"ingesloten lettertype {name} (zet 'Lettertypen insluiten' uit)"))
    if "comments" in kind:
        raise UploadRefused(COMMENTED)
    if ctype not in ALLOWED_TYPES:
        raise UploadRefused(OTHER_PART.format(what=f"{name} ({ctype or 'onbekend type'})"))


def _check_main(parts: dict[str, bytes], types: dict[str, str]) -> None:
    """The package's main part is word/document.xml, a document (not a template, not macro-enabled)."""
    if "_rels/.rels" not in parts or "word/document.xml" not in parts:
        raise UploadRefused(NOT_DOCX)
    ctype = _type_of("word/document.xml", types)
    if ctype != MAIN:
        raise UploadRefused("Dit is een Word-sjabloon, geen document. Sla het op als Word-document (.docx)."
                            if "template" in ctype else NOT_DOCX)


def _source_of(rels: str) -> str:
    folder, _, file = rels.rpartition("/")
    return posixpath.join(posixpath.dirname(folder), file.removesuffix(".rels"))


def _check_relations(name: str, content: bytes) -> tuple[bytes, set[str]]:
    """Refuse external content and relations that leave the package; cut an external attachedTemplate."""
    tree = _parse(name, content)
    base = posixpath.dirname(_source_of(name))
    cut: set[str] = set()
    for rel in list(tree.getroot()):
        kind, target = rel.get("Type", "").rpartition("/")[2], rel.get("Target", "")
        if rel.get("TargetMode", "").lower() == "external":
            if kind == "attachedTemplate":
                cut.add(rel.get("Id", ""))
                rel.getparent().remove(rel)
            elif kind == "hyperlink":
                if urlsplit(target.strip()).scheme.lower() not in LINK_SCHEMES:
                    raise UploadRefused(EXTERNAL.format(what=f"een koppeling naar {target[:80]}"))
            else:
                raise UploadRefused(EXTERNAL.format(what=f"{kind}: {target[:80]}"))
        else:
            resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
            if resolved == ".." or resolved.startswith("../") or "\\" in target:
                raise UploadRefused(DAMAGED.format(what=f"verwijzing naar {target[:80]}"))
    return (_serialize(tree) if cut else content), cut


def _check_text(tree) -> None:
    fields = []
    for element in tree.iter():
        tag = element.tag
        if tag in EMBEDDED or (isinstance(tag, str) and tag.endswith("}OLEObject")):
            raise UploadRefused(EMBEDS.format(what=etree.QName(tag).localname))
        if tag in TRACKED:
            raise UploadRefused(TRACKED_CHANGES)
        if tag in COMMENTS:
            raise UploadRefused(COMMENTED)
        if tag == f"{{{W}}}vanish" and _on(element) and not _paragraph_mark(element):
            raise UploadRefused(HIDDEN)
        if tag == f"{{{W}}}instrText":
            fields.append(element.text or "")
        elif tag == f"{{{W}}}fldSimple":
            fields.append(" " + element.get(f"{{{W}}}instr", "") + " ")
    found = FETCHING_FIELD.search("".join(fields))
    if found:
        raise UploadRefused(EXTERNAL.format(what=f"veld {found.group(1).upper()}"))


def _on(flag) -> bool:
    return flag.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


def _paragraph_mark(vanish) -> bool:
    """A hidden paragraph mark (w:pPr/w:rPr/w:vanish) joins two paragraphs; it hides no text."""
    props = vanish.getparent()
    return props is not None and props.getparent() is not None and props.getparent().tag == f"{{{W}}}pPr"


def _cut_references(tree, ids: set[str]) -> bytes:
    for element in list(tree.iter(f"{{{W}}}attachedTemplate")):
        if element.get(f"{{{REL}}}id") in ids:
            element.getparent().remove(element)
    return _serialize(tree)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=False)


def _parse(name: str, content: bytes):
    try:
        tree = etree.parse(io.BytesIO(content), _PARSER)
    except etree.XMLSyntaxError:
        raise UploadRefused(DAMAGED.format(what=name[:80])) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UploadRefused(DAMAGED.format(what=f"{name[:80]} bevat een DTD"))
    return tree


def _serialize(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write(parts: dict[str, bytes]) -> bytes:
    """A new archive: no zip comment, no data before or after it, [Content_Types].xml first."""
    out = io.BytesIO()
    order = ["[Content_Types].xml", *(n for n in parts if n != "[Content_Types].xml")]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), parts[name],
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
