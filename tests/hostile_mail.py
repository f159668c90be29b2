"""Hostile mail built at run time (nothing large is kept in git): used by the tests and bench/hostile.py.

Each builder returns the bytes of a whole .eml file.
"""

from __future__ import annotations

import io
import random
import zlib
from email.message import EmailMessage

V = "1234567890"


def mail(body: str = f"Geachte collega,\n\nHierbij het proces-verbaal.\n\nV-nummer {V}",
         subject: str = "M55 kennisgeving", sender: str = "AVIM <avim@politie.nl>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "b83@ind.nl"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{random.randrange(10**12)}@politie.nl>"
    msg["Date"] = "Tue, 3 Mar 2026 10:00:00 +0100"
    msg.set_content(body)
    return msg


def pdf_attached(pdf: bytes, name: str = "bijlage.pdf", **kwargs) -> bytes:
    msg = mail(**kwargs)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return bytes(msg)


def inflate_bomb_pdf(inflated: int = 2 << 30) -> bytes:
    """One page whose content stream is a few MB compressed and `inflated` bytes of drawing operators
    once inflated."""
    import pikepdf

    chunk = b"0 0 m 1 1 l S " * 75_000  # about 1 MB of real operators, not just blanks
    packer = zlib.compressobj(9)
    parts = [packer.compress(chunk) for _ in range(inflated // len(chunk))]
    parts.append(packer.flush())
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, b"")
    stream.write(b"".join(parts), filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].Contents = stream
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def huge_page_pdf(points: int = 14_400) -> bytes:
    """One page of 14,400 × 14,400 pt (the largest pdfium accepts) with an image and no text: it looks
    like a scan, and rendered for OCR at 200 dpi it would be 40,000 × 40,000 pixels."""
    return scan_pdf(points, points)


def scan_pdf(width: int = 595, height: int = 842, pages: int = 1) -> bytes:
    """Pages with only a (tiny, grey) image on them, stretched over the page: what a scanner makes."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(width, height))
        page = pdf.pages[-1]
        image = pikepdf.Stream(pdf, b"\x80" * 16, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                               Width=4, Height=4, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text_noise_image(side: int = 3000, words: int = 4000, seed: int = 1) -> bytes:
    """A large PNG full of random letters: slow for tesseract, small on the wire."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(words):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
        draw.text((rng.randrange(side - 60), rng.randrange(side - 12)), word, fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def images_attached(count: int, side: int = 3000, words: int = 4000) -> bytes:
    msg = mail()
    for i in range(count):
        msg.add_attachment(text_noise_image(side, words, seed=i), maintype="image", subtype="png",
                           filename=f"scan{i}.png")
    return bytes(msg)


def style_html(size: int = 448_000) -> bytes:
    """An HTML body of `<style ` repeated: quadratic for a regular expression that looks for </style>."""
    msg = mail(body="")
    msg.set_content(f"<html><body><p>V-nummer {V}</p>" + "<style " * (size // 7), subtype="html")
    return bytes(msg)


def single_line_body(size: int = 3_000_000) -> bytes:
    """A sepot whose body is one 3 MB line of dates: the date scan runs past its time limit."""
    msg = mail(body=f"Sepot beslissing V-nummer {V} " + "12-03-2026 " * (size // 11),
               subject="Sepotbeslissing", sender="Parket <parket@om.nl>")
    return bytes(msg)


def nested_forwards(depth: int = 3) -> bytes:
    msg = mail()
    for _ in range(depth):
        outer = mail(body="Doorgestuurd ter info.", subject="FW: M55 kennisgeving")
        outer.add_attachment(msg)
        msg = outer
    return bytes(msg)


def nested_multiparts(depth: int = 3000) -> bytes:
    head = b"From: AVIM <avim@politie.nl>\r\nSubject: M55\r\nMIME-Version: 1.0\r\n"
    body = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth))
    body += b"Content-Type: text/plain\r\n\r\nV-nummer " + V.encode() + b"\r\n"
    body += b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return head + body


def many_pdfs(count: int = 99) -> bytes:
    msg = mail()
    small = scan_pdf(200, 200)
    for i in range(count - 1):
        msg.add_attachment(small, maintype="application", subtype="pdf", filename=f"p{i}.pdf")
    return bytes(msg)


def docx_bomb(unpacked: int = 60_000_000) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"A" * unpacked + b"</w:document>")
    msg = mail()
    msg.add_attachment(buf.getvalue(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="m55.docx")
    return bytes(msg)


def deep_html(depth: int = 5000) -> bytes:
    msg = mail(body="")
    msg.set_content("<div>" * depth + f"V-nummer {V}" + "</div>" * depth, subtype="html")
    return bytes(msg)


def spoofed_sender() -> bytes:
    """The display name is an encoded word that decodes to the OM's address; the address is not the OM's."""
    raw = bytes(mail(body=f"Geachte collega,\n\nDe zaak tegen de verdachte is geseponeerd.\n\nV-nummer {V}\n"
                          "Datum beslissing: 2 maart 2026\n\nParket Rotterdam",
                     subject="Sepotbeslissing", sender="placeholder@example.org"))
    return raw.replace(b"From: placeholder@example.org",
                       b"From: =?utf-8?q?parket=40om=2Enl?= <attacker@evil.example>", 1)


def truncated(raw: bytes, keep: float = 0.6) -> bytes:
    return raw[: int(len(raw) * keep)]


CASES = {
    "pdf inflate bomb (2 GB)": lambda: pdf_attached(inflate_bomb_pdf(), "proces-verbaal.pdf"),
    "pdf 14,400 pt MediaBox": lambda: pdf_attached(huge_page_pdf(), "scan.pdf"),
    "two 3000x3000 text-noise images": lambda: images_attached(2),
    "99 parts, 98 PDFs": lambda: many_pdfs(99),
    "99 parts, 98 page scans": lambda: images_attached(98, side=700, words=60),
    "pdf of 3000 scanned pages": lambda: pdf_attached(scan_pdf(pages=3000)),
    "docx zip bomb (60 MB)": docx_bomb,
    "html <style repeated (448 KB)": style_html,
    "single 3 MB line of dates": single_line_body,
    "forwards nested 3 deep": lambda: nested_forwards(3),
    "multiparts nested 3000 deep": lambda: nested_multiparts(3000),
    "html nested 5000 deep": lambda: deep_html(5000),
    "rfc 2047 spoofed sender": spoofed_sender,
    "truncated multipart": lambda: truncated(pdf_attached(huge_page_pdf(300))),
}
