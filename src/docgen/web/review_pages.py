"""Approve, co-sign and correct a letter from the pages, always through docgen.review (which refuses with a
Dutch reason). Approving and co-signing first ask: the page names the letter, the version and its open
points, and the form carries the SHA-256 of the DOCX that was shown, so exactly that version is signed."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from docgen.letters.unfinished import docx_unfinished
from docgen.register.drafts import Drafts
from docgen.review import Refused, read_version
from docgen.web.auth import requires
from docgen.web.cases import case_page
from docgen.web.pages import clock, local_path, pages, settings


def _user() -> dict:
    row = g.reviews.user(g.user)
    keys = row.keys() if row is not None else ()
    return {"name": g.user, "naam": (row["full_name"] if "full_name" in keys else "") or g.user,
            "telefoon": (row["phone"] if "phone" in keys else "") or "",
            "email": (row["email"] if "email" in keys else "") or ""}


def _version(version: int):
    found = Drafts(g.store).version(version)
    if found is None:
        abort(404, "Deze versie van de brief bestaat niet.")
    return found


def _confirm(version: int, action: str):
    letter, v = _version(version)
    try:
        points = docx_unfinished(read_version(settings(), v)) if v.docx_path else []
    except Refused as exc:
        points = [exc.reason]
    except OSError:
        points = ["Het bestand van deze versie is niet te lezen."]
    if action == "goedkeuren":
        points = [p for p in points if not (v.origin == "gemaakt" and p == "[naam behandelaar]")]
    return render_template("confirm.html", letter=letter, v=v, action=action, points=points,
                           blocked=_blocked(letter, v, action), back=url_for("pages.case", v_nummer=letter.v_nummer))


def _blocked(letter, v, action: str) -> str:
    """Why this version cannot be approved or co-signed now, said before anyone presses the button (the
    register decides again when they do)."""
    if v.number != letter.latest.number:
        return f"Er is een nieuwere versie (versie {letter.latest.number}); beoordeel die."
    if letter.state in ("definitief", "achterhaald"):
        return "Deze brief is definitief en kan niet meer veranderen."
    if action == "goedkeuren" and v.status != "concept":
        return f"Alleen een concept kan worden goedgekeurd; deze versie is {v.status}."
    if action == "medeondertekenen" and v.status != "goedgekeurd":
        return f"Alleen een goedgekeurde versie kan worden medeondertekend; deze versie is {v.status}."
    if action == "medeondertekenen" and v.approved_by == g.user:
        return "Medeondertekenen doet een ander dan wie goedkeurde."
    return ""


def _after(letter) -> str:
    return local_path(request.form.get("next")) or url_for("pages.case", v_nummer=letter.v_nummer)


@pages.route("/versions/<int:version>/approve", methods=["GET"])
@requires("behandelaar")
def approve_form(version: int):
    return _confirm(version, "goedkeuren")


@pages.route("/versions/<int:version>/approve", methods=["POST"])
@requires("behandelaar")
def approve(version: int):
    from docgen.review import approve as approve_version

    letter, _ = _version(version)
    try:
        done = approve_version(settings(), g.store, version, _user(), request.form.get("sha256", ""), clock())
    except Refused as exc:
        return case_page(letter.v_nummer, f"Niet goedgekeurd: {exc.reason}", 409)
    flash(f"Goedgekeurd: versie {done.number}. Een contactpersoon kan de brief nu medeondertekenen.")
    return redirect(_after(letter))


@pages.route("/versions/<int:version>/cosign", methods=["GET"])
@requires("contactpersoon")
def cosign_form(version: int):
    return _confirm(version, "medeondertekenen")


@pages.route("/versions/<int:version>/cosign", methods=["POST"])
@requires("contactpersoon")
def cosign(version: int):
    from docgen.review import cosign as cosign_version

    letter, _ = _version(version)
    try:
        done = cosign_version(settings(), g.store, version, g.user, request.form.get("sha256", ""), clock())
    except Refused as exc:
        return case_page(letter.v_nummer, f"Niet medeondertekend: {exc.reason}", 409)
    flash(f"Medeondertekend: versie {done.number} is definitief.")
    return redirect(_after(letter))


@pages.route("/letters/<int:letter>/upload", methods=["POST"])
@requires("behandelaar")
def upload(letter: int):
    """A corrected DOCX becomes a new version of the letter; the old one is kept."""
    from docgen.review import correct

    found = Drafts(g.store).letter(letter)
    if found is None:
        abort(404, "Deze brief bestaat niet.")
    sent = request.files.get("docx")
    filename, data = (sent.filename or "", sent.read()) if sent else ("", b"")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        return case_page(found.v_nummer, "Geef de versie die u heeft gecorrigeerd.", 400)
    if not data:
        return case_page(found.v_nummer, "Kies eerst het gecorrigeerde DOCX-bestand.", 400)
    try:  # only what a letter needs, and a PDF made within bounds, before anything is stored
        done = correct(settings(), g.store, letter, expected, g.user, data, clock(), filename,
                       current_app.config["DOCGEN_RENDER_SECONDS"])
    except Refused as exc:
        status = 409 if "versie" in exc.reason or "definitief" in exc.reason else 400
        return case_page(found.v_nummer, f"Correctie niet opgeslagen: {exc.reason}", status)
    flash(f"Correctie opgeslagen als versie {done.number}.")
    return redirect(url_for("pages.case", v_nummer=found.v_nummer))
