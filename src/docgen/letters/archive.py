"""The archival PDF of a DOCX, saying exactly what the DOCX says.

Made fast (DOCX → HTML → WeasyPrint, PDF/A-3b) when every construct in the DOCX is one the fast
converter renders as LibreOffice Writer prints it; otherwise by LibreOffice headless itself
(PDF/A-3b), with the construct named in the log. Either PDF must pass the PDF/A check before it
is returned: never a PDF that differs, and never one that is not PDF/A.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from markupsafe import escape

from docgen.errors import ArchivalPdfError
from docgen.letters.docx_html import HtmlLetter, docx_to_html
from docgen.letters.libreoffice import to_pdfa
from docgen.letters.ooxml import Unsupported
from docgen.letters.pdfa import pdfa_problems

log = logging.getLogger(__name__)

LETTER_CSS = "letter.css"
FIELDS_CSS = (".docx-page::before { content: counter(page); } "
              ".docx-pages::before { content: counter(pages); } "
              "body { margin: 0; } p, h1, h2, h3, h4, h5, h6 { white-space: pre-wrap; }")


@dataclass(frozen=True)
class ArchivalPdf:
    pdf: bytes
    converter: str          # "weasyprint" or "libreoffice"
    reason: str | None      # the construct that sent the DOCX to LibreOffice


def archival_pdf(docx: bytes, templates: Path, title: str) -> ArchivalPdf:
    try:
        letter = docx_to_html(docx)
    except Unsupported as exc:
        log.info("archival PDF of %s made by LibreOffice: the fast converter does not render %s",
                 title, exc.construct)
        made = ArchivalPdf(to_pdfa(docx), "libreoffice", exc.construct)
    else:
        made = ArchivalPdf(_weasyprint(letter, templates, title), "weasyprint", None)
    problems = pdfa_problems(made.pdf)
    if problems:
        raise ArchivalPdfError(f"the archival PDF made by {made.converter} is not PDF/A-3b: {problems[0]}",
                               "De archief-PDF van dit document voldoet niet aan PDF/A en is niet opgeslagen.")
    return made


def _weasyprint(letter: HtmlLetter, templates: Path, title: str) -> bytes:
    from weasyprint import CSS, HTML

    page = (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body>{letter.furniture}{letter.body}</body></html>")
    html = HTML(string=page, base_url=str(templates) + "/", url_fetcher=_fetcher_for(templates))
    return html.write_pdf(stylesheets=[_stylesheet(templates), CSS(string=FIELDS_CSS + letter.css)],
                          pdf_variant="pdf/a-3b", uncompressed_pdf=False)


@lru_cache(maxsize=8)
def _stylesheet(templates: Path):
    from weasyprint import CSS

    css = templates / LETTER_CSS
    return CSS(filename=str(css), url_fetcher=_fetcher_for(templates)) if css.exists() else CSS(string="")


@lru_cache(maxsize=8)
def _fetcher_for(templates: Path):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = templates.resolve()

    class TemplatesOnly(URLFetcher):
        """Only data: URLs and files inside templates/ may be read; everything else is refused."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": ctype})
            raise ValueError(f"refused to fetch {url[:80]!r}: only templates/ and data: URLs are allowed")

    return TemplatesOnly(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)
