"""The pages: what each role sees and may do."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from docgen.model import TYPES
from docgen.register.drafts import Drafts
from docgen.register.policy import load_policy
from docgen.register.report import (
    by_urgency,
    lead_times,
    load_cases,
    register_rows,
    state_counts,
    type_counts,
)
from docgen.review import Refused
from docgen.web import throttle
from docgen.web.auth import csrf_ok, csrf_token, current_user, end_session, login, requires, verify

pages = Blueprint("pages", __name__)
HOME = {"monitor": "pages.inbox", "behandelaar": "pages.cases", "contactpersoon": "pages.cases",
        "template-maintainer": "pages.templates", "admin": "pages.cases"}
STAFF = ("behandelaar", "contactpersoon")


def _clock():
    return current_app.config["DOCGEN_CLOCK"]


def _settings():
    return current_app.config["DOCGEN"]


def login_page():
    """Log in; CSRF-checked like every form, throttled per name and per address."""
    error, status = "", 200
    if request.method == "POST":
        name, at = request.form.get("name", "")[:200], time.time()
        if not csrf_ok():
            error, status = "Het formulier was verlopen. Probeer het opnieuw.", 400
        elif lock := throttle.begin(g.reviews, name, request.remote_addr or "", at):
            error, status = lock.message(at), 429
        else:
            user = g.reviews.user(name)
            if verify(user, request.form.get("password", "")):
                throttle.succeeded(g.reviews, name)
                login(g.reviews, user)
                return redirect(local_path(request.args.get("next")) or url_for(HOME[user["role"]]))
            error = "Onbekende naam of onjuist wachtwoord."
    return render_template("login.html", error=error, csrf=csrf_token()), status


pages.add_url_rule("/login", "login", login_page, methods=["GET", "POST"])


@pages.route("/logout", methods=["POST"])
@requires()
def logout():
    end_session(g.reviews)
    return redirect(url_for("pages.login"))


@pages.route("/")
def home():
    if current_user() is None:
        return redirect(url_for("pages.login"))
    return redirect(url_for(HOME[g.role]))


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this application; None for anything that could lead elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def back(default: str = "pages.cases") -> str:
    """Where a form came from, if it was a page of this application; else `default`."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.scheme in ("http", "https"):
        path = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if path:
            return path
    return url_for(default)


@pages.route("/inbox")
@requires("monitor")
def inbox():
    rows = [dict(r, v_nummers=json.loads(r["v_nummers"]), reasons=json.loads(r["reasons"]),
                 triage_reasons=json.loads(r["triage_reasons"])) for r in reversed(g.store.messages())]
    return render_template("inbox.html", rows=rows, types=TYPES)


@pages.route("/triage/<int:message>", methods=["POST"])
@requires("monitor")
def resolve(message: int):
    """Only records the monitor's decision and marks the case: the drafter does the rest."""
    mtype, raw_v = request.form.get("type", ""), request.form.get("v_nummer", "").strip()
    v = "".join(ch for ch in raw_v if ch.isdigit())
    needs_v = mtype != "overig"
    if mtype not in TYPES or (needs_v and len(v) != 10):
        abort(400, "Kies een soort en geef voor een zaakbericht een V-nummer van 10 cijfers.")
    if not g.reviews.resolve_message(message, mtype, v if needs_v else "", g.user, _clock().now()):
        abort(404)
    return redirect(url_for("pages.inbox"))


@pages.route("/cases")
@requires(*STAFF)
def cases():
    now = _clock().now()
    found = load_cases(g.store, Drafts(g.store), now, load_policy(_settings().rules))
    return render_template("cases.html", cases=by_urgency(found, now), now=now)


@pages.route("/cases/<v_nummer>")
@requires(*STAFF)
def case(v_nummer: str):
    from docgen.cli import case_data

    if not g.store.events(v_nummer):
        abort(404)
    data = case_data(_settings(), g.store, v_nummer, _clock())
    letters = Drafts(g.store).letters(v_nummer)
    return render_template("case.html", case=data, letters=letters)


@pages.route("/versions/<int:version>/<kind>")
@requires(*STAFF)
def download(version: int, kind: str):
    from docgen.review import version_file

    found = Drafts(g.store).version(version)
    if found is None or kind not in ("docx", "pdf"):
        abort(404)
    letter, v = found
    if not (v.docx_path if kind == "docx" else v.pdf_path):
        abort(404)
    name = f"{letter.v_nummer}-{letter.kind}" + (f"-{letter.sequence}" if letter.sequence > 1 else "") + \
        f"-v{v.number}.{kind}"
    return send_file(version_file(_settings(), v, kind), as_attachment=True, download_name=name)


def _user() -> dict:
    row = g.reviews.user(g.user)
    return {"name": g.user, "naam": (row["full_name"] if row and "full_name" in row.keys() else "") or g.user,
            "telefoon": (row["phone"] if row and "phone" in row.keys() else "") or "",
            "email": (row["email"] if row and "email" in row.keys() else "") or ""}


@pages.route("/versions/<int:version>/approve", methods=["POST"])
@requires("behandelaar")
def approve(version: int):
    from docgen.review import approve as approve_version

    try:
        approve_version(_settings(), g.store, version, _user(), request.form.get("sha256", ""), _clock())
    except Refused as exc:
        abort(409, exc.reason)
    return redirect(back())


@pages.route("/versions/<int:version>/cosign", methods=["POST"])
@requires("contactpersoon")
def cosign(version: int):
    from docgen.review import cosign as cosign_version

    try:
        cosign_version(_settings(), g.store, version, g.user, request.form.get("sha256", ""), _clock())
    except Refused as exc:
        abort(409, exc.reason)
    return redirect(back())


@pages.route("/letters/<int:letter>/upload", methods=["POST"])
@requires("behandelaar")
def upload(letter: int):
    """A corrected DOCX becomes a new version of the letter; the old one is kept."""
    from docgen.review import correct

    sent = request.files.get("docx")
    filename, data = (sent.filename or "", sent.read()) if sent else ("", b"")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        abort(400, "Geef de versie die u heeft gecorrigeerd.")
    try:  # only what a letter needs, and a PDF made within bounds, before anything is stored
        correct(_settings(), g.store, letter, expected, g.user, data, _clock(), filename,
                current_app.config["DOCGEN_RENDER_SECONDS"])
    except Refused as exc:
        abort(409 if "versie" in exc.reason or "definitief" in exc.reason else 400, exc.reason)
    return redirect(back())


@pages.route("/templates/preview/<name>.pdf")
@requires("template-maintainer")
def template_preview(name: str):
    import tempfile

    from docgen.letters.check import preview

    with tempfile.TemporaryDirectory() as out:
        _, pdf = preview(_settings().templates, name, Path(out))
        data = pdf.read_bytes()
    return current_app.response_class(data, mimetype="application/pdf")


@pages.route("/templates")
@requires("template-maintainer")
def templates():
    from docgen.letters.catalogue import LETTERS
    from docgen.letters.check import check_templates

    return render_template("templates.html", problems=check_templates(_settings().templates), letters=LETTERS)


@pages.route("/report")
@requires()
def report():
    rows = register_rows(g.store, Drafts(g.store), _clock().now(), load_policy(_settings().rules))
    return render_template("report.html", steps=lead_times([m for _, _, m in rows]),
                           types=type_counts(g.store.messages()), states=state_counts(rows))
