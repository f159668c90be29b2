"""Render a letter template to DOCX and PDF. Values from messages are inert: never evaluated, always escaped.

The DOCX in templates/ is the one source of wording (staff and maintainers edit it in Word);
the PDF is made from the rendered DOCX, so both always carry the same text.
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from docgen.errors import TemplateError
from docgen.letters.docx_html import docx_to_html

LETTER_CSS = "letter.css"


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    pdf: bytes


def jinja_env() -> SandboxedEnvironment:
    """Sandboxed, autoescaping, strict: an unknown variable is an error, not an empty string."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def render_docx(template: Path, context: dict) -> bytes:
    doc = DocxTemplate(str(template))
    try:
        doc.render(context, jinja_env=jinja_env(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{template.name}: {exc.message}; add it to the letter's data or remove it from the template") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{template.name}: template syntax error: {exc.message}") from exc
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_pdf(docx: bytes, templates: Path, title: str) -> bytes:
    from weasyprint import HTML

    body = docx_to_html(docx)
    page = (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'</head><body>{body}</body></html>')
    html = HTML(string=page, base_url=str(templates) + "/", url_fetcher=_fetcher_for(templates))
    return html.write_pdf(stylesheets=[_stylesheet(templates)], pdf_variant="pdf/a-3b",
                          uncompressed_pdf=False)


def render_letter(template: Path, context: dict, title: str) -> Rendered:
    docx = render_docx(template, context)
    return Rendered(docx, render_pdf(docx, template.parent, title))


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
