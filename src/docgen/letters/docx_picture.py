"""An inline picture (a logo in a letterhead, a signature) as an HTML image of the DOCX's size.

Only what places and draws the same in HTML: an inline (not floating) PNG, JPEG or GIF picture,
uncropped, unrotated and not recoloured, embedded in the DOCX. Anything else — floating shapes,
text boxes, charts, linked pictures, EMF/WMF — raises `Unsupported`, and LibreOffice renders it.
"""

from __future__ import annotations

import base64
import io

from docgen.letters.ooxml import R, Unsupported

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
EMU_PER_POINT = 12700
MAX_PIXELS = 25_000_000
FORMATS = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif",
           b"GIF89a": "image/gif"}


def picture_html(drawing, images: dict[str, bytes]) -> str:
    inline = drawing.find(f"{WP}inline")
    if inline is None or len(drawing) != 1:
        raise Unsupported("floating drawing or text box")
    described = inline.find(f"{WP}docPr")
    if described is not None and described.get("hidden") in ("1", "true"):
        raise Unsupported("hidden drawing")
    data = inline.find(f"{A}graphic/{A}graphicData")
    pic = data.find(f"{PIC}pic") if data is not None and data.get("uri") == PICTURE_URI else None
    fill = pic.find(f"{PIC}blipFill") if pic is not None else None
    blip = fill.find(f"{A}blip") if fill is not None else None
    if blip is None:
        raise Unsupported("drawing or text box")
    if blip.get(f"{R}link") or blip.get(f"{R}embed") not in images:
        raise Unsupported("linked or missing picture")
    if any(child.tag != f"{A}extLst" for child in blip):
        raise Unsupported("recoloured picture")
    crop = fill.find(f"{A}srcRect")
    if crop is not None and any(crop.get(side) not in (None, "0") for side in "ltrb"):
        raise Unsupported("cropped picture")
    shape = pic.find(f"{PIC}spPr/{A}xfrm")
    if shape is not None and (shape.get("rot") not in (None, "0") or
                              shape.get("flipH") in ("1", "true") or shape.get("flipV") in ("1", "true")):
        raise Unsupported("rotated or flipped picture")
    extent = inline.find(f"{WP}extent")
    try:
        width, height = int(extent.get("cx")) / EMU_PER_POINT, int(extent.get("cy")) / EMU_PER_POINT
    except (AttributeError, TypeError, ValueError) as exc:
        raise Unsupported("picture without a size") from exc
    image = images[blip.get(f"{R}embed")]
    mime = next((kind for magic, kind in FORMATS.items() if image.startswith(magic)), None)
    if mime is None:
        raise Unsupported("picture format other than PNG, JPEG or GIF")
    _check_pixels(image)
    encoded = base64.b64encode(image).decode("ascii")
    return f'<img src="data:{mime};base64,{encoded}" alt="" style="width:{width:.1f}pt;height:{height:.1f}pt"/>'


def _check_pixels(image: bytes) -> None:
    """A picture too large to decode safely here is LibreOffice's (under its time limit)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as opened:
            width, height = opened.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Unsupported("unreadable picture") from exc
    if width * height > MAX_PIXELS:
        raise Unsupported("very large picture")
