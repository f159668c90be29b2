"""The pages: what each role sees and may do."""

from __future__ import annotations

import datetime as dt
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
from docgen.register.report import by_urgency, lead_times, load_cases, state_counts, type_counts
from docgen.web import throttle
from docgen.web.auth import csrf_ok, csrf_token, current_user, end_session, login, requires, verify

pages = Blueprint("pages", __name__)
HOME = {"monitor": "pages.inbox", "behandelaar": "pages.cases", "contactpersoon": "pages.cases",
        "template-maintainer": "pages.templates", "admin": "pages.cases"}
STAFF = ("behandelaar", "contactpersoon")


def _today() -> dt.date:
    return current_app.config["DOCGEN_TODAY"] or dt.date.today()


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
    mtype, v = request.form.get("type", ""), request.form.get("v_nummer", "").strip()
    needs_v = mtype != "overig"
    if mtype not in TYPES or (needs_v and not (v.isdigit() and len(v) == 10)):
        abort(400, "choose a type and, for a case message, give a 10-digit V-nummer")
    if not g.reviews.resolve_triage(message, mtype, v, g.user):
        abort(404)
    from docgen.pipeline import Pipeline

    Pipeline(current_app.config["DOCGEN"], store=g.store, today=current_app.config["DOCGEN_TODAY"]).draft_due()
    return redirect(url_for("pages.inbox"))


@pages.route("/cases")
@requires(*STAFF)
def cases():
    found, _ = load_cases(g.store, _today())
    return render_template("cases.html", cases=by_urgency(found, _today()), today=_today())


@pages.route("/cases/<v_nummer>")
@requires(*STAFF)
def case(v_nummer: str):
    from docgen.register.procedure import assess

    events = g.store.events(v_nummer)
    if not events:
        abort(404)
    found = assess(v_nummer, events, g.store.drafted_days(), _today())
    return render_template("case.html", case=found, drafts=g.store.drafts(v_nummer), today=_today())


@pages.route("/drafts/<int:draft>/<kind>")
@requires(*STAFF)
def download(draft: int, kind: str):
    row = g.reviews.draft(draft)
    if row is None or kind not in ("docx", "pdf"):
        abort(404)
    return send_file(Path(row[f"{kind}_path"]).resolve(), as_attachment=True)


@pages.route("/drafts/<int:draft>/approve", methods=["POST"])
@requires("behandelaar")
def approve(draft: int):
    if not g.reviews.approve(draft, g.user):
        abort(409, "only an open draft can be approved")
    return redirect(back())


@pages.route("/drafts/<int:draft>/cosign", methods=["POST"])
@requires("contactpersoon")
def cosign(draft: int):
    if not g.reviews.cosign(draft, g.user):
        abort(409, "only a draft approved by someone else can be co-signed")
    return redirect(back())


@pages.route("/drafts/<int:draft>/upload", methods=["POST"])
@requires("behandelaar")
def upload(draft: int):
    """A corrected DOCX from Word replaces the draft (the old one is kept); the PDF is made anew from it."""
    from docgen.letters.bounded import render_pdf_bounded
    from docgen.letters.upload import UploadRefused, sanitize_upload
    from docgen.outbox import keep_version, write_draft

    row = g.reviews.draft(draft)
    if row is None:
        abort(404)
    if row["review"] == "final":
        abort(409, "a final letter cannot change")
    sent = request.files.get("docx")
    filename, data = (sent.filename or "", sent.read()) if sent else ("", b"")
    settings = current_app.config["DOCGEN"]
    try:  # only what a letter needs, and a PDF made within bounds, before anything is stored
        data = sanitize_upload(data, filename)
        pdf = render_pdf_bounded(data, settings.templates, row["letter"], current_app.config["DOCGEN_RENDER_SECONDS"])
    except UploadRefused as refused:
        abort(400, refused.reason)
    docx_path, pdf_path = Path(row["docx_path"]), Path(row["pdf_path"])
    keep_version(docx_path, row["version"])
    keep_version(pdf_path, row["version"])
    write_draft(settings.outbox, docx_path, data)
    write_draft(settings.outbox, pdf_path, pdf)
    g.reviews.corrected(draft, g.user)
    return redirect(back())


@pages.route("/templates/preview/<name>.pdf")
@requires("template-maintainer")
def template_preview(name: str):
    import tempfile

    from docgen.letters.check import preview

    with tempfile.TemporaryDirectory() as out:
        _, pdf = preview(current_app.config["DOCGEN"].templates, name, Path(out))
        data = pdf.read_bytes()
    return current_app.response_class(data, mimetype="application/pdf")


@pages.route("/templates")
@requires("template-maintainer")
def templates():
    from docgen.letters.catalogue import LETTERS
    from docgen.letters.check import check_templates

    return render_template("templates.html", problems=check_templates(current_app.config["DOCGEN"].templates),
                           letters=LETTERS)


@pages.route("/report")
@requires()
def report():
    found, drafted = load_cases(g.store, _today())
    steps = lead_times(found, drafted)
    return render_template("report.html", steps=steps, types=type_counts(g.store.messages()),
                           states=state_counts(found))
