"""Word tables as HTML tables: grid widths, cells spanning columns, vertically merged cells, and rows
or cells inside content controls. Cells are rendered in document order, so list numbers count on."""

from __future__ import annotations

from collections.abc import Callable

from docgen.letters.ooxml import MARKERS, Unsupported, W, local, on, sdt_content, twips, val


def table_html(tbl, blocks: Callable[[object], str]) -> str:
    props = tbl.find(f"{W}tblPr")
    if props is not None and (props.find(f"{W}tblpPr") is not None or on(props.find(f"{W}bidiVisual"))):
        raise Unsupported("floating or right-to-left table")
    widths = [twips(column, "w") for column in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    rows: list[list[dict]] = []
    merges: dict[int, dict] = {}  # grid column → the cell a vertical merge began in, open in the row above
    for tr in _children(tbl, "w:tr", {"w:tblPr", "w:tblGrid"}):
        props = tr.find(f"{W}trPr")
        if props is not None and (on(props.find(f"{W}hidden")) or props.find(f"{W}del") is not None):
            raise Unsupported("hidden or deleted table row")
        if props is not None and on(props.find(f"{W}tblHeader")):
            raise Unsupported("table header row repeated on each page")  # how often depends on pagination
        column = twips(props.find(f"{W}gridBefore"), "val") if props is not None else 0
        cells = [{"html": "", "span": column, "rows": 1}] if column else []
        above, merges = merges, {}
        for tc in _children(tr, "w:tc", {"w:trPr", "w:tblPrEx"}):
            cell_props = tc.find(f"{W}tcPr")
            span, merge = 1, None
            if cell_props is not None:
                if any(cell_props.find(f"{W}{n}") is not None for n in ("hMerge", "cellDel", "cellIns", "cellMerge")):
                    raise Unsupported("horizontally merged or tracked table cell")
                if val(cell_props.find(f"{W}textDirection")) not in (None, "lrTb", "tb"):
                    raise Unsupported("vertical text in a table cell")
                span = max(1, twips(cell_props.find(f"{W}gridSpan"), "val", 1))
                merge = cell_props.find(f"{W}vMerge")
            if merge is not None and val(merge) != "restart":
                origin = above.get(column)
                if origin is None or origin["span"] != span:
                    raise Unsupported("vertically merged cell without its first cell")
                if _has_content(tc):
                    raise Unsupported("text in a merged table cell")
                origin["rows"] += 1
                merges[column] = origin
            else:
                cell = {"html": blocks(tc), "span": span, "rows": 1}
                cells.append(cell)
                if merge is not None:
                    merges[column] = cell
            column += span
        rows.append(cells)
    total = sum(widths)
    cols = "".join(f'<col style="width:{w / 20:.1f}pt"/>' for w in widths) if total else ""
    style = f' style="table-layout:fixed;width:{total / 20:.1f}pt"' if total else ""
    body = "".join("<tr>" + "".join(_cell(c) for c in cells) + "</tr>" for cells in rows)
    return f"<table{style}><colgroup>{cols}</colgroup>{body}</table>"


def _cell(cell: dict) -> str:
    span = f' colspan="{cell["span"]}"' if cell["span"] > 1 else ""
    rows = f' rowspan="{cell["rows"]}"' if cell["rows"] > 1 else ""
    return f"<td{span}{rows}>{cell['html']}</td>"


def _children(parent, wanted: str, properties: set[str]):
    """The rows of a table or the cells of a row, through content controls and custom XML."""
    for child in parent:
        name = local(child)
        if name == wanted:
            yield child
        elif name == "w:sdt":
            yield from _children(sdt_content(child), wanted, properties)
        elif name == "w:customXml":
            yield from _children(child, wanted, properties)
        elif name in properties or name in MARKERS or name in ("w:sdtPr", "w:customXmlPr"):
            continue
        else:
            raise Unsupported(f"element {name} in a table")


def _has_content(tc) -> bool:
    return any((t.text or "").strip() for t in tc.iter(f"{W}t")) or any(
        tc.find(f".//{W}{name}") is not None for name in ("numPr", "drawing", "pict", "object", "tbl"))
