"""A DOCX as simple HTML for the archival PDF, with exactly the text Writer prints from it.

Paragraphs, runs, tables (merged cells too), content controls, list numbers, tabs, line and page
breaks, inline pictures, hyperlinks, tracked insertions, headers and footers with PAGE/NUMPAGES fields. Hidden and
deleted text is left out, as in Writer's final view. Everything is read from an allow-list: an
element it does not know raises `Unsupported`, and the archive asks LibreOffice instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from docgen.letters.docx_inline import NOT_RENDERED, PAGE_BREAK, PROPERTIES, Inline
from docgen.letters.docx_numbering import Numbering
from docgen.letters.docx_page import LINE, Furniture, page_css
from docgen.letters.docx_picture import EMU_PER_POINT, WP
from docgen.letters.docx_styles import Styles
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

JUSTIFY = {"center": "center", "right": "right", "end": "right", "both": "justify", "distribute": "justify",
           "left": "left", "start": "left"}


@dataclass(frozen=True)
class HtmlLetter:
    body: str
    furniture: str  # running elements: the headers and footers, placed on the pages by `css`
    css: str        # the section's page: size, margins, which header and footer on which page


def docx_to_html(docx: bytes) -> HtmlLetter:
    return _Converter(read_package(docx)).letter()


class _Converter(Inline):
    def __init__(self, package: Package):
        super().__init__(Styles(package.styles))
        self.package = package
        self.numbering = Numbering(package.numbering, self.styles)
        self.images = package.images[""]
        self.hyphenates = package.settings is not None and on(package.settings.find(f"{W}autoHyphenation"))
        self.base_size = self.styles.run_look(self.styles.default_paragraph, None).size

    def letter(self) -> HtmlLetter:
        body = self.package.document.find(f"{W}body")
        if body is None:  # e.g. strict OOXML, whose namespaces differ: never an empty PDF for it
            raise Unsupported("document without a transitional WordprocessingML body")
        html = self.blocks(body)
        section = body[-1] if len(body) and local(body[-1]) == "w:sectPr" else None
        furniture = self.furniture(section)
        settings = self.package.settings
        even = settings is not None and on(settings.find(f"{W}evenAndOddHeaders"))
        return HtmlLetter(html, furniture.html(), page_css(section, even, furniture))

    def furniture(self, section) -> Furniture:
        parts, heights = {}, {}
        self.in_furniture = True
        for kind in ("header", "footer"):
            for ref in section.findall(f"{W}{kind}Reference") if section is not None else []:
                root = self.package.headers.get(ref.get(f"{R}id"))
                if root is not None:
                    name = f"{kind}-{val(ref, 'type', 'default')}"
                    self.images = self.package.images.get(ref.get(f"{R}id"), {})
                    parts[name] = self.blocks(root)
                    heights[name] = sum(max([LINE] + [_points(e.get("cy")) for e in para.iter(f"{WP}extent")])
                                        for para in root.iter(f"{W}p"))
        self.in_furniture = False
        return Furniture(parts, heights)

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
        if self.hyphenates and not on(self.styles.paragraph_property(style, ppr, "suppressAutoHyphens")):
            raise Unsupported("automatic hyphenation")  # Writer would print the hyphens it adds
        label = self.list_label(style, ppr)
        self.hidden_text, self.tabs = False, 1 if label and label.text.endswith("\t") else 0
        content = self.inline(p, style)
        if self.fields:
            raise Unsupported("field spanning paragraphs")
        if self.tabs and self.leaders(style, ppr, label):
            raise Unsupported("tab with leader characters")  # Writer prints the dots as text
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

    def leaders(self, style, ppr, label) -> bool:
        """Whether a tab stop that applies to the paragraph fills its space with dots or lines."""
        layers = [ppr, label.tab_stops if label else None] + [s.find(f"{W}pPr") for s in self.styles.chain(style)]
        return any(val(tab, "leader") not in (None, "none")
                   for layer in layers if layer is not None for tab in layer.iterfind(f"{W}tabs/{W}tab"))

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


def _points(emu: str | None) -> float:
    try:
        return int(emu or 0) / EMU_PER_POINT
    except ValueError:
        return 0.0
