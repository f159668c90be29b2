"""Inline content as Writer prints it: runs (hidden text left out, capitals applied), tabs, line
and page breaks, inline pictures, content controls, hyperlinks, tracked insertions (deletions left out), simple
and complex fields (PAGE and NUMPAGES in headers and footers, HYPERLINK anywhere) and alternate
content read once. Anything else raises `Unsupported`."""

from __future__ import annotations

from html import escape

from docgen.letters.docx_picture import picture_html
from docgen.letters.docx_styles import RunLook, Styles
from docgen.letters.ooxml import MARKERS, Unsupported, W, local, on, sdt_content, val

PAGE_BREAK = "\x00"  # cannot occur in XML text; splits a paragraph where a page break stands
PROPERTIES = {"w:pPr", "w:rPr", "w:sdtPr", "w:sdtEndPr", "w:smartTagPr", "w:customXmlPr"}
SHOWN = {"w:customXml", "w:smartTag", "w:ins", "w:moveTo", "w:hyperlink"}  # wrappers whose content shows
REMOVED = {"w:del", "w:moveFrom"}  # tracked deletions: not in the final text
NOT_RENDERED = {  # element → the construct the log names when LibreOffice takes over
    "w:drawing": "drawing or text box", "w:pict": "VML picture or text box", "w:object": "embedded object",
    "w:footnoteReference": "footnote", "w:endnoteReference": "endnote", "w:sym": "symbol character",
    "w:altChunk": "imported document chunk", "w:ruby": "ruby text", "w:pgNum": "page number character",
    "w:contentPart": "ink", "w:dir": "bidirectional text", "w:bdo": "bidirectional text",
    "m:oMath": "equation", "m:oMathPara": "equation",
}
RUN_IGNORED = {"w:rPr", "w:lastRenderedPageBreak", "w:commentReference", "w:annotationRef"}
PAGE_FIELDS = {"PAGE": "docx-page", "NUMPAGES": "docx-pages"}


class Inline:
    """The reading state of one document's inline content; the block converter builds on it."""

    def __init__(self, styles: Styles):
        self.styles = styles
        self.fields: list[dict] = []  # open complex fields, innermost last
        self.in_furniture = False
        self.in_table = 0
        self.hidden_text = False  # the paragraph being read has hidden text
        self.tabs = 0  # tabs printed in the paragraph being read
        self.images: dict[str, bytes] = {}  # the pictures of the part being read, by relationship id

    def inline(self, parent, style) -> str:
        out = []
        for child in parent:
            name = local(child)
            if name == "w:r":
                out.append(self.run(child, style))
            elif name in SHOWN:
                out.append(self.inline(child, style))
            elif name == "w:sdt":
                out.append(self.inline(sdt_content(child), style))
            elif name == "w:fldSimple":
                out.append(self.simple_field(child, style))
            elif name == "mc:AlternateContent":
                out.append(self.alternate(child, lambda branch: self.inline(branch, style)))
            elif name in REMOVED or name in MARKERS or name in PROPERTIES:
                continue
            else:
                raise Unsupported(NOT_RENDERED.get(name, f"element {name}"))
        return "".join(out)

    def run(self, r, style) -> str:
        rpr = r.find(f"{W}rPr")
        if rpr is not None and (on(rpr.find(f"{W}rtl")) or rpr.find(f"{W}specVanish") is not None):
            raise Unsupported("right-to-left or specially hidden text")
        look = self.styles.run_look(style, rpr)
        return self.run_content(r, look, self.styles.run_look(style, None).size)

    def run_content(self, children, look: RunLook, paragraph_size) -> str:
        parts, text = [], []

        def flush():
            if text:
                parts.append(_formatted("".join(text), look, paragraph_size))
                text.clear()

        for child in children:
            name = local(child)
            shown = not look.hidden and not any(f["hide"] for f in self.fields)
            if name in ("w:t", "w:tab", "w:ptab"):
                self.hidden_text |= look.hidden and (name != "w:t" or bool(child.text))
                if name == "w:t" and child.text and look.symbol and shown:
                    raise Unsupported("text in a symbol font")
                if name != "w:t" and shown:
                    self.tabs += 1
                    if val(child, "leader") not in (None, "none"):
                        raise Unsupported("tab with leader characters")
                if shown:
                    text.append("\t" if name != "w:t" else child.text or "")
            elif name in ("w:br", "w:cr"):
                kind = val(child, "type") if name == "w:br" else None
                if kind == "column":
                    raise Unsupported("column break")
                if kind == "page" and self.in_furniture:
                    raise Unsupported("page break in a header or footer")
                if shown:
                    flush()
                    parts.append(PAGE_BREAK if kind == "page" and not self.in_table else "<br/>")
            elif name == "w:noBreakHyphen":
                if shown:
                    text.append("-")
            elif name == "w:softHyphen":
                if shown:
                    text.append("\u00ad")
            elif name == "w:drawing":
                if not shown:
                    raise Unsupported("hidden drawing")
                flush()
                parts.append(picture_html(child, self.images))
            elif name == "w:fldChar":
                flush()
                parts.append(self.field_char(child, look, paragraph_size))
            elif name == "w:instrText":
                if self.fields and self.fields[-1]["phase"] == "instr":
                    self.fields[-1]["instr"] += child.text or ""
            elif name == "mc:AlternateContent":
                flush()
                parts.append(self.alternate(child, lambda branch: self.run_content(branch, look, paragraph_size)))
            elif name in RUN_IGNORED:
                continue
            else:
                raise Unsupported(NOT_RENDERED.get(name, f"element {name}"))
        flush()
        return "".join(parts)

    def field_char(self, element, look, paragraph_size) -> str:
        kind = val(element, "fldCharType")
        if kind == "begin":
            if self.fields and self.fields[-1]["phase"] == "instr":
                raise Unsupported("nested field")
            if element.find(f"{W}ffData") is not None:
                raise Unsupported("form field")
            self.fields.append({"instr": "", "phase": "instr", "hide": True})
            return ""
        if not self.fields:
            return ""  # a separate or end with no field open: nothing to close
        field = self.fields[-1]
        shown = ""
        if field["phase"] == "instr":
            field["phase"] = "result"
            field["hide"], shown = self.field_value(field["instr"], look, paragraph_size)
        if kind == "end":
            self.fields.pop()
        return shown

    def field_value(self, instr: str, look, paragraph_size) -> tuple[bool, str]:
        """(hide the stored result, what to show instead) for a field Writer computes as we do."""
        words = instr.split()
        keyword = words[0].upper() if words else ""
        switches = " ".join(words[1:]).upper().replace('"', "")
        if keyword == "HYPERLINK":
            return False, ""
        if keyword in PAGE_FIELDS and switches in ("", "\\* MERGEFORMAT", "\\* ARABIC", "\\* ARABIC \\* MERGEFORMAT"):
            if not self.in_furniture:
                raise Unsupported(f"{keyword} field outside a header or footer")
            hidden = look.hidden or any(f["hide"] for f in self.fields[:-1])
            span = "" if hidden else _formatted("", look, paragraph_size, f'<span class="{PAGE_FIELDS[keyword]}"></span>')
            return True, span
        raise Unsupported(f"field {keyword or 'without instruction'}")

    def simple_field(self, element, style) -> str:
        self.fields.append({"instr": val(element, "instr") or "", "phase": "result", "hide": False})
        hide, shown = self.field_value(self.fields[-1]["instr"], self.styles.run_look(style, None),
                                       self.styles.run_look(style, None).size)
        self.fields[-1]["hide"] = hide
        content = self.inline(element, style)
        self.fields.pop()
        return shown + (content if not hide else "")

    def alternate(self, element, render) -> str:
        """mc:AlternateContent is read once. Writer picks Choice or Fallback by what it supports; the
        branches render the same text here or LibreOffice renders the document."""
        branches = [b for b in element if local(b) in ("mc:Choice", "mc:Fallback")]
        if any(b.find(f".//{W}{n}") is not None for b in branches for n in ("numPr", "fldChar", "fldSimple")):
            raise Unsupported("alternate content with numbering or fields")
        rendered = [render(branch) for branch in branches]
        if len(set(rendered)) > 1:
            raise Unsupported("alternate content whose branches differ")
        return rendered[0] if rendered else ""


def _formatted(text: str, look: RunLook, paragraph_size, html: str | None = None) -> str:
    if html is None:
        if look.caps or look.small_caps:
            text = text.upper()
        html = escape(text, quote=False)
    if look.bold:
        html = f"<strong>{html}</strong>"
    if look.italic:
        html = f"<em>{html}</em>"
    if look.underline:
        html = f"<u>{html}</u>"
    if look.strike:
        html = f"<s>{html}</s>"
    if look.vert == "superscript":
        html = f"<sup>{html}</sup>"
    elif look.vert == "subscript":
        html = f"<sub>{html}</sub>"
    size = (look.size or paragraph_size or 0) * (0.85 if look.small_caps else 1)
    if size and size != paragraph_size:
        html = f'<span style="font-size:{size:.1f}pt">{html}</span>'
    return html
