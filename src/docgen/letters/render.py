"""Render a letter template to DOCX and PDF. Values from messages are inert: never evaluated, always escaped.

The DOCX in templates/ is the one source of wording (staff and maintainers edit it in Word);
the PDF is made from the rendered DOCX, so both always carry the same text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import TemplateError
from docgen.letters.archive import archival_pdf


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
    """The archival PDF/A-3b, with the text LibreOffice prints from the same DOCX (see letters.archive)."""
    return archival_pdf(docx, templates, title).pdf


def render_letter(template: Path, context: dict, title: str) -> Rendered:
    docx = render_docx(template, context)
    return Rendered(docx, render_pdf(docx, template.parent, title))
