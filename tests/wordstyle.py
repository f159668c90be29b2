"""Word-style DOCX files for the PDF fidelity tests, built with python-docx plus raw OOXML.

Word writes constructs python-docx has no API for (content controls, numbering definitions,
simple and complex fields, tracked changes, text boxes, footnotes); these builders write them
as Word does, so the tests feed the converter what a behandelaar's upload really contains.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
)


def p(*runs: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


def r(text: str = "", rpr: str = "", raw: str = "") -> str:
    t = f'<w:t xml:space="preserve">{text}</w:t>' if text else ""
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{raw}{t}</w:r>"


def item(num: int, level: int, text: str, style: str = "") -> str:
    """A list paragraph as Word writes it: numbering on the paragraph, text in runs."""
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + \
        f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    return p(r(text), ppr=ppr)


def sdt(content: str, alias: str = "Veld", inline: bool = False) -> str:
    """A content control around runs (inline) or blocks (paragraphs, tables, rows, cells)."""
    kind = "<w:text/>" if inline else '<w:id w:val="4711"/>'
    return (f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{alias.lower()}"/>{kind}</w:sdtPr>'
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>")


def table(rows: list[list[str]], widths: int = 3000) -> str:
    """A table; each cell's value is raw block XML (use p(...)) or plain text."""
    grid = "".join(f'<w:gridCol w:w="{widths}"/>' for _ in rows[0])
    body = ""
    for row in rows:
        cells = ""
        for cell in row:
            content = cell if cell.startswith("<") else p(r(cell))
            cells += f'<w:tc><w:tcPr><w:tcW w:w="{widths}" w:type="dxa"/></w:tcPr>{content}</w:tc>'
        body += f"<w:tr>{cells}</w:tr>"
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            f"{body}</w:tbl>")


def simple_field(instr: str, shown: str) -> str:
    return f'<w:fldSimple w:instr=" {instr} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>'


def complex_field(instr: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{shown}</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def abstract_num(number: int, levels: list[tuple[str, str]], start: int = 1, restart: dict | None = None) -> str:
    """levels: (numFmt, lvlText) per level; bullets name their character in lvlText."""
    out = ""
    for ilvl, (fmt, text) in enumerate(levels):
        font = '<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>' \
            if fmt == "bullet" and text == "\uf0b7" else ('<w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings" w:hint="default"/></w:rPr>' if fmt == "bullet" and "\uf000" <= text <= "\uf0ff" else "")
        again = f'<w:lvlRestart w:val="{restart[ilvl]}"/>' if restart and ilvl in restart else ""
        out += (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start if ilvl == 0 else 1}"/>'
                f'<w:numFmt w:val="{fmt}"/>{again}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{720 * (ilvl + 1)}" w:hanging="360"/></w:pPr>{font}</w:lvl>')
    return (f'<w:abstractNum w:abstractNumId="{number}"><w:multiLevelType w:val="multilevel"/>'
            f"{out}</w:abstractNum>")


def num(num_id: int, abstract: int, start_override: int | None = None, level: int = 0) -> str:
    override = (f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
                if start_override is not None else "")
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>'


def build(body: list[str], *, abstract_nums: list[str] = (), nums: list[str] = (),
          header: str | None = None, footer: str | None = None,
          first_header: str | None = None, first_footer: str | None = None,
          even_header: str | None = None, even_footer: str | None = None,
          links: dict[str, str] | None = None, footnotes: dict[int, str] | None = None) -> bytes:
    """A DOCX with the given raw body blocks. `links` maps a placeholder in the XML (e.g. "{link1}")
    to a URL; the placeholder becomes the relationship id. Header and footer texts are raw blocks."""
    document = docx.Document()
    body_element = document.element.body
    for child in list(body_element):
        if not child.tag.endswith("}sectPr"):
            body_element.remove(child)
    section = document.sections[0]
    ids = {key: document.part.relate_to(url, RT.HYPERLINK, is_external=True) for key, url in (links or {}).items()}

    def fill(xml: str) -> str:
        for key, rid in ids.items():
            xml = xml.replace(key, rid)
        return xml

    sect = body_element[-1]
    for block in body:
        sect.addprevious(parse_xml(f"<w:root {NAMESPACES}>{fill(block)}</w:root>")[0])
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{W_NS}}}num")
    for xml in abstract_nums:
        element = parse_xml(f"<w:root {NAMESPACES}>{xml}</w:root>")[0]
        (first_num.addprevious(element) if first_num is not None else numbering.append(element))
    for xml in nums:
        numbering.append(parse_xml(f"<w:root {NAMESPACES}>{xml}</w:root>")[0])
    section.different_first_page_header_footer = first_header is not None or first_footer is not None
    if even_header is not None or even_footer is not None:
        document.settings.odd_and_even_pages_header_footer = True
    for part, xml in ((section.header, header), (section.footer, footer),
                      (section.first_page_header, first_header), (section.first_page_footer, first_footer),
                      (section.even_page_header, even_header), (section.even_page_footer, even_footer)):
        if xml is None:
            continue
        element = part._element
        for child in list(element):
            element.remove(child)
        for block in parse_xml(f"<w:root {NAMESPACES}>{fill(xml)}</w:root>"):
            element.append(block)
    if footnotes:
        _add_footnotes(document, footnotes)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_footnotes(document, footnotes: dict[int, str]) -> None:
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for number, text in footnotes.items())
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NAMESPACES}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f"</w:footnote>{notes}</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_ref(number: int) -> str:
    return f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{number}"/></w:r>'


# The uploads: each a letter a behandelaar might send back from Word.

LISTS_ABSTRACT = [
    abstract_num(20, [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "(%3)")]),
    abstract_num(21, [("bullet", "\uf0b7"), ("bullet", "o"), ("bullet", "\u2013")]),
    abstract_num(22, [("upperRoman", "%1."), ("upperLetter", "%1.%2")], start=3),
    abstract_num(23, [("decimal", "Artikel %1"), ("decimal", "%1.%2"), ("decimalZero", "%1.%2.%3")]),
]
LISTS_NUM = [num(201, 20), num(202, 20), num(203, 20, start_override=1), num(204, 21), num(205, 22),
             num(206, 23), num(207, 20, start_override=5)]


def content_controls() -> bytes:
    """Word's content controls around blocks, rows, cells and runs, as a correction that used a
    form-like letter would carry them."""
    body = [
        p(r("Aan de gemachtigde")),
        sdt(p(r("Mr. A. Advocaat")) + p(r("Postbus 100, 1000 AA Amsterdam")), alias="Adres"),
        p(r("Betreft: "), sdt(r("intrekking verblijfsvergunning"), alias="Onderwerp", inline=True), r(" (B8/3)")),
        sdt(table([["Datum", "1 maart 2026"], ["Kenmerk", "B83/1"]]), alias="Kop"),
        table([["Vast", "rij"]]).replace("</w:tbl>", "") + sdt('<w:tr><w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/>'
                                                              "</w:tcPr>" + p(r("Rij in besturingselement")) +
                                                              "</w:tc>" + sdt('<w:tc><w:tcPr><w:tcW w:w="3000" '
                                                              'w:type="dxa"/></w:tcPr>' + p(r("Cel in besturingselement"))
                                                              + "</w:tc>", alias="Cel") + "</w:tr>", alias="Rij")
        + "</w:tbl>",
        p(r("Tekst met "), sdt(r("een geneste ") + sdt(r("keuze"), alias="Binnen", inline=True), alias="Buiten",
                                inline=True), r(" erin.")),
        sdt(p(r("Klik of tik om tekst in te voeren.", rpr='<w:color w:val="808080"/>')), alias="Leeg"),
        p(r("Slot.")),
    ]
    return build(body)


def lists() -> bytes:
    """Several lists, nested levels, a restart, start values, bullets, numbering by style, a list
    in a table."""
    body = [
        p(r("Overwegingen")), item(201, 0, "Eerste overweging"), item(201, 1, "onderdeel a"),
        item(201, 1, "onderdeel b"), item(201, 2, "nog dieper"), item(201, 0, "Tweede overweging"),
        item(201, 1, "opnieuw a"),
        p(r("Een tweede w:num op dezelfde lijst telt door")), item(202, 0, "Derde overweging"),
        p(r("Herstart")), item(203, 0, "Weer een"), item(203, 0, "Weer twee"),
        p(r("Opsomming")), item(204, 0, "punt"), item(204, 1, "subpunt"), item(204, 2, "streepje"),
        p(r("Romeins vanaf drie")), item(205, 0, "drie"), item(205, 1, "letter"), item(205, 0, "vier"),
        p(r("Artikelen")), item(206, 0, "eerste artikel"), item(206, 1, "lid"), item(206, 2, "sub"),
        item(206, 2, "sub twee"), item(206, 0, "tweede artikel"), item(206, 2, "sub zonder lid"),
        table([[item(201, 0, "in tabel"), item(204, 0, "bol in tabel")]]),
        p(r("Stijl")), p(r("genummerd door stijl"), ppr='<w:pStyle w:val="ListNumber"/>'),
        p(r("nog een"), ppr='<w:pStyle w:val="ListNumber"/>'),
        p(r("zonder nummer"), ppr='<w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr>'),
        p(r("opsomming door stijl"), ppr='<w:pStyle w:val="ListBullet"/>'),
        item(207, 0, "vanaf vijf"), item(207, 0, "zes"),
    ]
    return build(body, abstract_nums=LISTS_ABSTRACT, nums=LISTS_NUM)


def list_restarts() -> bytes:
    """Restarts as Writer applies them: a w:num overriding level 1 first used on level 0, a w:num
    overriding two levels, a w:lvl replaced by an override, and a numbered paragraph whose text
    is all hidden (counted, not printed)."""
    two = ('<w:num w:numId="303"><w:abstractNumId w:val="30"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="2"/>'
           '</w:lvlOverride><w:lvlOverride w:ilvl="1"><w:startOverride w:val="6"/></w:lvlOverride></w:num>')
    roman = ('<w:num w:numId="304"><w:abstractNumId w:val="30"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0">'
             '<w:start w:val="9"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1:"/></w:lvl></w:lvlOverride></w:num>')
    body = [
        item(301, 0, "een"), item(301, 0, "twee"),
        p(r("Herstart van niveau 2, eerst gebruikt op niveau 1")), item(302, 0, "eerst op niveau 1"),
        item(302, 1, "dan op niveau 2"),
        p(r("Twee herstarts in een w:num")), item(303, 1, "niveau 2"), item(303, 0, "niveau 1"),
        p(r("Een eigen niveau in de w:num")), item(304, 0, "romeins"), item(304, 0, "romeins verder"),
        item(301, 0, "terug"), item(301, 0, ""),
        p(r("helemaal verborgen", rpr="<w:vanish/>"), ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="301"/></w:numPr>'),
        item(301, 0, "na de verborgen alinea"),
    ]
    return build(body, abstract_nums=[abstract_num(30, [("decimal", "%1."), ("lowerLetter", "%1.%2.")])],
                 nums=[num(301, 30), num(302, 30, start_override=4, level=1), two, roman])


def headers_footers() -> bytes:
    """Three pages (hard page breaks), a first-page header, even-page header and footer, page numbers
    as simple and as complex fields, a content control and a table in the footer."""
    body = [p(r("Eerste bladzijde van de brief.")), p(r("Tekst"), r(raw='<w:br w:type="page"/>'), r("Tweede bladzijde.")),
            p(r("Nog op twee.")), p(r(raw='<w:br w:type="page"/>'), r("Derde bladzijde, slot."))]
    return build(
        body,
        header=p(r("IND unit B8/3 — vervolgblad")),
        first_header=p(r("Immigratie- en Naturalisatiedienst")),
        even_header=p(r("IND even bladzijde")),
        footer=p(r("pagina "), simple_field("PAGE", "1"), r(" van "), simple_field("NUMPAGES", "1")),
        first_footer=sdt(p(r("Postbus 17, 8440 AA Heerenveen"))),
        even_footer=table([["Blad", p(complex_field("PAGE \\* MERGEFORMAT", "2"))]]),
    )


def tables() -> bytes:
    """Cells spanning columns and rows, a nested table, a row starting after an empty grid column."""
    span = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/>'
            '<w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
            '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p(r("Over twee kolommen")) + "</w:tc>"
            '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + p(r("Over twee rijen")) + "</w:tc></w:tr>"
            "<w:tr><w:tc>" + p(r("Links")) + "</w:tc><w:tc>" + p(r("Midden")) + "</w:tc>"
            "<w:tc><w:tcPr><w:vMerge/></w:tcPr>" + p() + "</w:tc></w:tr>"
            '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc>' + p(r("Na een lege kolom")) + "</w:tc>"
            "<w:tc>" + table([["Genest", "binnen"]], widths=900) + p() + "</w:tc></w:tr></w:tbl>")
    return build([p(r("Tabellen")), span, p(r("Einde"))])


def inline_details() -> bytes:
    """Hyperlinks, tabs, breaks, hidden and tracked text, capitals, fields that are links, and
    alternate content whose branches say the same."""
    alternate = ('<mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>gekozen tekst</w:t></w:r></mc:Choice>'
                 "<mc:Fallback><w:r><w:t>gekozen tekst</w:t></w:r></mc:Fallback></mc:AlternateContent>")
    body = [
        p(r("Zie "), '<w:hyperlink r:id="{link}"><w:r><w:t>de website van de IND</w:t></w:r></w:hyperlink>',
          r(" en "), '<w:hyperlink w:anchor="slot"><w:r><w:t>het slot</w:t></w:r></w:hyperlink>', r(".")),
        p(r("Naam:"), r(raw="<w:tab/>"), r("Voorbeeld"), r(raw="<w:br/>"), r("Tweede regel")),
        p(r("Zichtbaar "), r("VERBORGEN", rpr="<w:vanish/>"), r("en weer zichtbaar")),
        p(r("Behouden "), '<w:del w:id="1" w:author="A" w:date="2026-03-01T00:00:00Z"><w:r><w:delText>GESCHRAPT '
          "</w:delText></w:r></w:del>", '<w:ins w:id="2" w:author="A" w:date="2026-03-01T00:00:00Z"><w:r><w:t>'
          "ingevoegd</w:t></w:r></w:ins>", r(" slot")),
        p(r("hoofdletters", rpr="<w:caps/>"), r(" en "), r("kleinkapitaal", rpr="<w:smallCaps/>")),
        p(r("artikel 3"), '<w:r><w:noBreakHyphen/></w:r>', r("57 en af"), '<w:r><w:softHyphen/></w:r>', r("breekbaar")),
        p(complex_field('HYPERLINK "https://ind.nl/"', "ind.nl"), r(" als veld")),
        p(r("Alternatief: "), alternate),
        p('<w:bookmarkStart w:id="0" w:name="slot"/>', r("Slot"), '<w:bookmarkEnd w:id="0"/>'),
    ]
    return build(body, links={"{link}": "https://ind.nl/"})


def text_box() -> bytes:
    """A text box as Word 2010+ writes it: a drawing shape with a VML fallback."""
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" '
           'distR="114300" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
           '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
           '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
           '<wp:extent cx="2000000" cy="500000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
           '<wp:docPr id="1" name="Tekstvak 1"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
           'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
           '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="500000"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>'
           + p(r("Tekst in een tekstvak")) + '</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData>'
           '</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape style="width:157pt;'
           'height:39pt" type="#_x0000_t202"><v:textbox><w:txbxContent>' + p(r("Tekst in een tekstvak")) +
           "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    return build([p(r("Voor het tekstvak.")), p(box), p(r("Na het tekstvak."))])


def footnote() -> bytes:
    return build([p(r("Een zin met een voetnoot"), footnote_ref(1), r(" en verder.")), p(r("Slot."))],
                 footnotes={1: "Zie artikel 3.57 Vb."})


def tab_leader() -> bytes:
    """A form line: Writer prints the dots of a tab leader as text."""
    return build([p(r("Naam"), r(raw="<w:tab/>"), r("Voorbeeld Persoon"),
                    ppr='<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8000"/></w:tabs>')])


def symbol_font() -> bytes:
    """A letter typed in Wingdings prints as a picture (J is a smiley), not as the letter."""
    return build([p(r("Met dank "), r("J", rpr='<w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/>'))])



def logo_png() -> bytes:
    """A small letterhead logo, made here (no image files in the repository)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle((10, 10, 230, 70), fill=(21, 66, 115, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pictures() -> bytes:
    """A logo in the header and a picture in the text, inline, as python-docx and Word place them."""
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    run = section.header.paragraphs[0].add_run()
    run.add_picture(io.BytesIO(logo_png()), width=Cm(3))
    section.header.paragraphs[0].add_run(" Immigratie- en Naturalisatiedienst")
    document.add_paragraph("Een brief met een logo in de kop.")
    document.add_paragraph().add_run().add_picture(io.BytesIO(logo_png()), width=Cm(4))
    document.add_paragraph("Onder het plaatje.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def hyphenated() -> bytes:
    """Automatic hyphenation on: Writer adds hyphens (where it has a dictionary) that the fast
    converter cannot place the same."""
    document = docx.Document(io.BytesIO(build([p(r("Een lange zin over de verblijfsvergunning."))])))
    document.settings.element.append(parse_xml(f'<w:autoHyphenation {NAMESPACES}/>'))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def strict_ooxml() -> bytes:
    """A DOCX in ISO strict namespaces, as Word saves "Strict Open XML": nothing for the fast
    converter to read, so it must not print an empty page for it."""
    source, out = zipfile.ZipFile(io.BytesIO(build([p(r("Tekst in strikte OOXML."))]))), io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xml"):
                data = data.replace(W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
            target.writestr(info, data)
    return out.getvalue()


UPLOADS = {"pictures": pictures, "content-controls": content_controls, "lists": lists,
           "list-restarts": list_restarts, "headers-footers": headers_footers, "tables": tables,
           "inline-details": inline_details}
FALLBACKS = {"text-box": (text_box, "floating drawing or text box"), "footnote": (footnote, "footnote"),
             "tab-leader": (tab_leader, "tab with leader characters"),
             "symbol-font": (symbol_font, "text in a symbol font"),
             "hyphenation": (hyphenated, "automatic hyphenation"),
             "strict-ooxml": (strict_ooxml, "document without a transitional WordprocessingML body")}
