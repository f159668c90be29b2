"""A DOCX as simple HTML for the archival PDF, with exactly the text Writer prints from it.

Paragraphs, runs, tables (merged cells too), content controls, list numbers, tabs, line and page
breaks, hyperlinks, tracked insertions, headers and footers with PAGE/NUMPAGES fields. Hidden and
deleted text is left out, as in Writer's final view. Everything is read from an allow-list: an
element it does not know raises `Unsupported`, and the archive asks LibreOffice instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from docgen.letters.docx_numbering import Numbering
from docgen.letters.docx_page import Furniture, page_css
from docgen.letters.docx_styles import RunLook, Styles
from docgen.letters.docx_table import table_html
from docgen.letters.ooxml import (
    MARKERS,
    Package,
    R,
    Unsupported,
    W,
    local,
    on,
    read_package,
    sdt_content,
    twips,
    val,
)

PAGE_BREAK = "\x00"  # cannot occur in XML text; splits a paragraph where a page break stands
PROPERTIES = {"w:pPr", "w:rPr", "w:sdtPr", "w:sdtEndPr", "w:smartTagPr", "w:customXmlPr"}
SHOWN = {"w:customXml", "w:smartTag", "w:ins", "w:moveTo", "w:hyperlink"}  # wrappers whose content shows
REMOVED = {"w:del", "w:moveFrom"}  # tracked deletions: not in the final text
NOT_RENDERED = {  # element → the construct the log names when LibreOffice takes over
    "w:drawing": "drawing or text box", "w:pict": "VML picture or text box", "w:object": "embedded object",
    "w:footnoteReference": "footnote", "w:endnoteReference": "endnote", "w:sym": "symbol character",
    "w:altChunk": "imported document chunk", "w:ruby": "ruby text", "w:pgNum": "page number character",
    "w:contentPart": "ink", "w:dir": "bidirectional text", "w:bdo": "bidirectional text",
}
RUN_IGNORED = {"w:rPr", "w:lastRenderedPageBreak", "w:commentReference", "w:annotationRef"}
PAGE_FIELDS = {"PAGE": "docx-page", "NUMPAGES": "docx-pages"}
JUSTIFY = {"center": "center", "right": "right", "end": "right", "both": "justify", "distribute": "justify",
           "left": "left", "start": "left"}


@dataclass(frozen=True)
class HtmlLetter:
    body: str
    furniture: str  # running elements: the headers and footers, placed on the pages by `css`
    css: str        # the section's page: size, margins, which header and footer on which page


def docx_to_html(docx: bytes) -> HtmlLetter:
    return _Converter(read_package(docx)).letter()


class _Converter:
    def __init__(self, package: Package):
        self.package = package
        self.styles = Styles(package.styles)
        self.numbering = Numbering(package.numbering, self.styles)
        self.fields: list[dict] = []  # open complex fields, innermost last
        self.in_furniture = False
        self.in_table = 0
        self.hidden_text = False  # the paragraph being read has hidden text
        self.base_size = self.styles.run_look(self.styles.default_paragraph, None).size

    def letter(self) -> HtmlLetter:
        body = self.package.document.find(f"{W}body")
        if body is None:
            return HtmlLetter("", "", page_css(None, False, Furniture({}, {})))
        html = self.blocks(body)
        section = body[-1] if len(body) and local(body[-1]) == "w:sectPr" else None
        furniture = self.furniture(section)
        settings = self.package.settings
        even = settings is not None and on(settings.find(f"{W}evenAndOddHeaders"))
        return HtmlLetter(html, furniture.html(), page_css(section, even, furniture))

    def furniture(self, section) -> Furniture:
        parts, lines = {}, {}
        self.in_furniture = True
        for kind in ("header", "footer"):
            for ref in section.findall(f"{W}{kind}Reference") if section is not None else []:
                root = self.package.headers.get(ref.get(f"{R}id"))
                if root is not None:
                    name = f"{kind}-{val(ref, 'type', 'default')}"
                    parts[name] = self.blocks(root)
                    lines[name] = len(root.findall(f".//{W}p"))
        self.in_furniture = False
        return Furniture(parts, lines)

    # blocks: paragraphs, tables, content controls

    def blocks(self, parent) -> str:
        out = []
        for child in parent:
            name = local(child)
            if name == "w:p":
                out.append(self.paragraph(child))
            elif name == "w:tbl":
                self.in_table += 1
                out.append(table_html(child, self.blocks))
                self.in_table -= 1
            elif name == "w:sdt":
                out.append(self.blocks(sdt_content(child)))
            elif name == "w:customXml":
                out.append(self.blocks(child))
            elif name == "mc:AlternateContent":
                out.append(self.alternate(child, self.blocks))
            elif name in MARKERS or name in PROPERTIES or name == "w:tcPr":
                continue
            elif name == "w:sectPr" and child.getnext() is None:
                continue  # the body's own section; a section inside a paragraph is refused there
            else:
                raise Unsupported(NOT_RENDERED.get(name, f"element {name}"))
        return "".join(out)

    def paragraph(self, p) -> str:
        ppr = p.find(f"{W}pPr")
        style = self.styles.paragraph_style(ppr)
        if ppr is not None:
            if ppr.find(f"{W}sectPr") is not None:
                raise Unsupported("several sections")
            if on(ppr.find(f"{W}bidi")) or val(ppr.find(f"{W}textDirection")) not in (None, "lrTb", "tb"):
                raise Unsupported("right-to-left or vertical paragraph")
            mark = ppr.find(f"{W}rPr")
            if mark is not None and (mark.find(f"{W}del") is not None or mark.find(f"{W}moveFrom") is not None):
                raise Unsupported("deleted paragraph mark")
        if self.styles.paragraph_property(style, ppr, "framePr") is not None:
            raise Unsupported("frame")
        if self.styles.mark_hidden(style, ppr):
            raise Unsupported("hidden paragraph mark")
        label = self.list_label(style, ppr)
        self.hidden_text = False
        content = self.inline(p, style)
        if self.fields:
            raise Unsupported("field spanning paragraphs")
        if not content and self.hidden_text:
            return ""  # Writer does not print a paragraph whose text is all hidden, nor its number
        level = self.styles.heading_level(style)
        tag = f"h{level}" if level else "p"
        css = self.paragraph_css(style, ppr, label.indent if label else None)
        breaks_before = on(self.styles.paragraph_property(style, ppr, "pageBreakBefore"))
        html = []
        for number, part in enumerate(content.split(PAGE_BREAK)):
            if number == 0 and label is not None and label.text:
                part = f'<span class="docx-label">{escape(label.text)}</span>{part}'
            brk = "break-before:page;" if number or breaks_before and not self.in_table else ""
            attr = f' style="{css}{brk}"' if css or brk else ""
            html.append(f"<{tag}{attr}>{part or '&#160;'}</{tag}>")
        return "".join(html)

    def list_label(self, style, ppr):
        direct = ppr.find(f"{W}numPr") if ppr is not None else None
        inherited = self.styles.paragraph_property(style, None, "numPr")
        num_id = _first(direct, inherited, "numId")
        if num_id in (None, "0"):
            return None
        if self.in_furniture:
            raise Unsupported("numbered paragraph in a header or footer")
        ilvl = _first(direct, inherited, "ilvl")
        return self.numbering.label(num_id, int(ilvl) if ilvl and ilvl.isdigit() else None, style)

    def paragraph_css(self, style, ppr, list_indent) -> str:
        css = []
        jc = JUSTIFY.get(val(self.styles.paragraph_property(style, ppr, "jc")) or "")
        if jc:
            css.append(f"text-align:{jc};")
        direct = ppr.find(f"{W}ind") if ppr is not None else None
        ind = [e for e in (direct, list_indent, self.styles.paragraph_property(style, None, "ind")) if e is not None]
        left = _attr(ind, "left", "start")
        right = _attr(ind, "right", "end")
        hanging, first = _attr(ind, "hanging"), _attr(ind, "firstLine")
        if left:
            css.append(f"margin-left:{left / 20:.1f}pt;")
        if right:
            css.append(f"margin-right:{right / 20:.1f}pt;")
        if hanging or first:
            css.append(f"text-indent:{(first or 0) / 20 - (hanging or 0) / 20:.1f}pt;")
        if not self.in_table:
            spacing = [self.styles.paragraph_property(style, ppr, "spacing")]
            before, after = _attr(spacing, "before"), _attr(spacing, "after")
            if before is not None:
                css.append(f"margin-top:{before / 20:.1f}pt;")
            if after is not None:
                css.append(f"margin-bottom:{after / 20:.1f}pt;")
        size = self.styles.run_look(style, None).size
        if size and size != self.base_size:  # the base size is letter.css's
            css.append(f"font-size:{size:.1f}pt;")
        return "".join(css)

    # inline content: runs, fields, content controls, tracked changes

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
            return ""  # a stray separate or end: Writer ignores it too
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


def _first(direct, inherited, name: str) -> str | None:
    for numpr in (direct, inherited):
        if numpr is not None and numpr.find(f"{W}{name}") is not None:
            return val(numpr.find(f"{W}{name}"))
    return None


def _attr(elements, *names: str) -> int | None:
    for element in elements:
        if element is None:
            continue
        for name in names:
            if val(element, name) is not None:
                return twips(element, name)
    return None
