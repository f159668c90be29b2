"""The template maintainer's page: the check of every letter template (in Dutch), and a PDF preview of
every letter rendered with example data."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, current_app, render_template

from docgen.errors import DocgenError
from docgen.web.auth import requires
from docgen.web.pages import pages, settings


@pages.route("/templates")
@requires("template-maintainer")
def templates():
    from docgen.letters.catalogue import LETTERS
    from docgen.letters.check import check_templates

    return render_template("templates.html", problems=check_templates(settings().templates), letters=LETTERS)


@pages.route("/templates/preview/<name>.pdf")
@requires("template-maintainer")
def template_preview(name: str):
    from docgen.letters.check import preview

    with tempfile.TemporaryDirectory() as out:
        try:
            _, pdf = preview(settings().templates, name, Path(out))
        except DocgenError:
            abort(404, "Er is geen brief of sjabloon met deze naam.")
        data = pdf.read_bytes()
    return current_app.response_class(data, mimetype="application/pdf")
