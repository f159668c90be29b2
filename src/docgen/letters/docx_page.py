"""The page of the archival PDF as the DOCX's section sets it: size, margins, and which header and
footer stand on which page (the default ones; the first page's when w:titlePg is on; even pages'
when settings.xml turns on w:evenAndOddHeaders). A header taller than its room pushes the text
down, as in Writer. Only numbers from the DOCX reach the CSS, never its strings."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.letters.ooxml import Unsupported, W, on, twips, val

LINE = 14.7  # points per header or footer paragraph: letter.css's 10.5pt at line-height 1.4


@dataclass(frozen=True)
class Furniture:
    parts: dict[str, str]  # "header-default", "footer-first", ... → HTML
    heights: dict[str, float]  # points each part needs, a line per paragraph or its picture's height

    def html(self) -> str:
        return "".join(f'<div class="docx-running" style="position:running(docx-{name})">{html}</div>'
                       for name, html in self.parts.items())


def page_css(section, even_pages: bool, furniture: Furniture) -> str:
    if section is not None:
        _refuse_layouts(section)
    size = section.find(f"{W}pgSz") if section is not None else None
    margins = section.find(f"{W}pgMar") if section is not None else None
    width, height = twips(size, "w", 11906) / 20, twips(size, "h", 16838) / 20
    top, bottom = abs(twips(margins, "top", 1440)) / 20, abs(twips(margins, "bottom", 1440)) / 20
    left = (twips(margins, "left", 1440) + twips(margins, "gutter", 0)) / 20
    right = twips(margins, "right", 1440) / 20
    header, footer = twips(margins, "header", 720) / 20, twips(margins, "footer", 720) / 20
    first = section is not None and on(section.find(f"{W}titlePg"))
    kinds = ["default"] + (["first"] if first else []) + (["even"] if even_pages else [])

    def room(part: str, distance: float, margin: float) -> float:
        height = max((furniture.heights.get(f"{part}-{k}", 0) for k in kinds), default=0)
        return max(margin, distance + height) if height else margin

    top, bottom = room("header", header, top), room("footer", footer, bottom)

    def boxes(kind: str) -> str:
        def content(part: str) -> str:
            name = f"{part}-{kind}"
            return f"element(docx-{name})" if name in furniture.parts else "none"

        return (f"@top-center {{ content: {content('header')}; width: 100%; vertical-align: top; "
                f"padding-top: {min(header, top):.1f}pt; }} "
                f"@bottom-center {{ content: {content('footer')}; width: 100%; vertical-align: bottom; "
                f"padding-bottom: {min(footer, bottom):.1f}pt; }}")

    css = (f"@page {{ size: {width:.1f}pt {height:.1f}pt; "
           f"margin: {top:.1f}pt {right:.1f}pt {bottom:.1f}pt {left:.1f}pt; {boxes('default')} }}\n")
    if first:
        css += f"@page :first {{ {boxes('first')} }}\n"
    if even_pages:
        css += f"@page :left {{ {boxes('even')} }}\n"
    return css


def _refuse_layouts(section) -> None:
    """Section settings that put text on the page that HTML would place or number differently."""
    columns = section.find(f"{W}cols")
    if columns is not None and twips(columns, "num", 1) > 1:
        raise Unsupported("text columns")
    if section.find(f"{W}lnNumType") is not None:
        raise Unsupported("line numbers")
    numbering = section.find(f"{W}pgNumType")
    if numbering is not None and any((name, value) not in (("start", "1"), ("fmt", "decimal"))
                                     for name, value in ((k.rsplit("}", 1)[-1], v) for k, v in numbering.attrib.items())):
        raise Unsupported("page numbering start or format")
    if val(section.find(f"{W}textDirection")) not in (None, "lrTb", "tb") or on(section.find(f"{W}bidi")):
        raise Unsupported("vertical or right-to-left section")
