"""A structural check of the PDF/A-3b claim of our archival PDFs, with pikepdf (qpdf).

Not a full validator like veraPDF (which is not installable from the package registries this
project may use); it checks what an archive relies on and what WeasyPrint could get wrong: the XMP
identification, the output intent with its ICC profile, embedded fonts, no encryption, no scripts.
"""

from __future__ import annotations

import io

import pikepdf


def pdfa_problems(data: bytes, part: str = "3", conformance: str = "B") -> list[str]:
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            problems.append("the PDF is encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("the trailer has no /ID")
        root = pdf.Root
        if "/Metadata" not in root:
            problems.append("no XMP metadata")
        else:
            meta = pdf.open_metadata()
            if meta.get("pdfaid:part") != part or (meta.get("pdfaid:conformance") or "").upper() != conformance:
                problems.append(f"XMP says PDF/A-{meta.get('pdfaid:part')}{meta.get('pdfaid:conformance')}, "
                                f"expected PDF/A-{part}{conformance.lower()}")
        intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
        if not intents or "/DestOutputProfile" not in intents[0]:
            problems.append("no PDF/A output intent with an ICC profile")
        names = root.get("/Names", {})
        action = root.get("/OpenAction")  # a dictionary (an action) or an array (a destination)
        if "/JavaScript" in names or isinstance(action, pikepdf.Dictionary) and "/JS" in action:
            problems.append("the PDF contains JavaScript")
        for number, page in enumerate(pdf.pages, 1):
            for name, font in _fonts(page.obj.get("/Resources", {})):
                if not _embedded(font):
                    problems.append(f"page {number}: font {name} is not embedded")
    return problems


def _fonts(resources, seen=None):
    seen = seen if seen is not None else set()
    yield from resources.get("/Font", {}).items()
    for xobject in resources.get("/XObject", {}).values():
        key = xobject.objgen
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        yield from _fonts(xobject.get("/Resources", {}), seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor", {})
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
