"""The monitor's pages: the inbox (search, filter, 50 a page), a message as received, and the decisions on
a message in triage or quarantine: type and V-nummer, attach to a proposed case, overig, release.

Every decision goes through Reviews.resolve_message, which records who and when and marks the case; the
drafter does the rest. A wrong V-nummer is answered inside the page, with what was typed kept.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from docgen.model import EVENT_TYPES, TYPES
from docgen.web import message as reading
from docgen.web.auth import requires
from docgen.web.pages import MESSAGE_READERS, clock, lists, may, page_number, pages, settings
from docgen.web.words import type_word


def v_nummer(raw: str) -> str | None:
    """Ten digits, typed with spaces, dots or dashes as people do (`1234.567.890`); None otherwise."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) != 10 or any(not (ch.isdigit() or ch in " .-") for ch in raw.strip()):
        return None
    return digits


def _row(row) -> dict:
    out = dict(row)
    for key, empty in (("v_nummers", "[]"), ("fields", "{}"), ("reasons", "[]"), ("triage_reasons", "[]")):
        out[key] = json.loads(out.get(key) or empty)
    return out


@pages.route("/inbox")
@requires("monitor")
def inbox():
    q, status, mtype = request.args.get("q", ""), request.args.get("status", ""), request.args.get("soort", "")
    found = lists().messages(q=q, status=status, mtype=mtype, number=page_number())
    rows = [_row(r) for r in found.rows]
    return render_template("inbox.html", found=found, rows=rows, types=TYPES, q=q, status=status, mtype=mtype)


def _message_page(message: int, error: str = "", form: dict | None = None, status: int = 200):
    row = g.store.message(message)
    if row is None:
        abort(404, "Dit bericht bestaat niet.")
    shown = reading.show(settings(), row)
    q = request.args.get("q", "") if form is None else form.get("q", "")
    found = lists().find_cases(q) if q else []
    suggestions = g.store.suggestions(message) if row["status"] in ("triage", "quarantined") else []
    names = lists().names([v for v, _ in suggestions])
    form = form or {"type": row["type"] or "", "v_nummer": request.args.get("v", "")}
    next_open = lists().next_open_message(message) if may("monitor") else None
    return render_template("message.html", m=_row(row), shown=shown, types=TYPES, event_types=EVENT_TYPES,
                           suggestions=suggestions, names=names, found=found, q=q, form=form, error=error,
                           cancelled=reading.cancelled(shown.trace), outvoted=reading.outvoted(shown),
                           next_open=next_open, can_act=may("monitor") and row["status"] in ("triage", "quarantined")
                           ), status


@pages.route("/messages/<int:message>")
@requires(*MESSAGE_READERS)
def message_page(message: int):
    return _message_page(message)


@pages.route("/messages/<int:message>/bijlagen/<int:number>")
@requires(*MESSAGE_READERS)
def attachment(message: int, number: int):
    row = g.store.message(message)
    found = reading.attachment(settings(), row, number) if row is not None else None
    if found is None:
        abort(404, "Deze bijlage is er niet, of zit in een bericht in quarantaine.")
    name, data = found
    # Never rendered by the browser: an HTML or SVG attachment is a download, not a page of this site.
    response = current_app.response_class(data, mimetype="application/octet-stream")
    safe = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\"') or "bijlage"
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(safe, safe='')}"
    return response


def _decide(message: int, mtype: str, v: str, form: dict):
    """Record the decision, or answer inside the page (status 400) with what was typed."""
    row = g.store.message(message)
    if row is None:
        abort(404, "Dit bericht bestaat niet.")
    if row["status"] not in ("triage", "quarantined"):
        return _message_page(message, f"Over dit bericht is al besloten door {row['resolved_by'] or 'docgen'}.",
                             form, 409)
    if row["status"] == "quarantined" and not form.get("beoordeeld"):
        return _message_page(message, "Een bericht uit quarantaine wordt pas vrijgegeven als u heeft aangevinkt "
                             "dat u het heeft bekeken.", form, 400)
    if not g.reviews.resolve_message(message, mtype, v, g.user, clock().now()):
        return _message_page(message, "Over dit bericht is intussen al besloten.", form, 409)
    what = type_word(mtype)
    flash(f"Vastgelegd: {what} voor V-nummer {v}. De zaak wordt bijgewerkt." if v else
          f"Vastgelegd: {what}. Er volgt niets voor een zaak.")
    return redirect(url_for("pages.message_page", message=message))


@pages.route("/messages/<int:message>/vaststellen", methods=["POST"])
@requires("monitor")
def resolve(message: int):
    """Type and V-nummer by hand; for a quarantined message this releases it after review."""
    form = {k: request.form.get(k, "") for k in ("type", "v_nummer", "nieuwe_zaak", "beoordeeld", "q")}
    mtype, raw = form["type"], form["v_nummer"].strip()
    if mtype not in TYPES:
        return _message_page(message, "Kies de soort van het bericht.", form, 400)
    if mtype == "overig":
        return _decide(message, "overig", "", form)
    v = v_nummer(raw)
    if v is None:
        return _message_page(message, f"‘{raw}’ is geen V-nummer: een V-nummer heeft 10 cijfers (spaties en "
                             "punten mogen).", form, 400)
    if mtype != "m55" and not g.store.events(v) and not form["nieuwe_zaak"]:
        return _message_page(message, f"Er is geen zaak met V-nummer {v}. Controleer het nummer; is het toch "
                             "juist, vink dan aan dat dit bericht een nieuwe zaak begint.", form | {"onbekend": v}, 400)
    return _decide(message, mtype, v, form)


@pages.route("/messages/<int:message>/koppelen", methods=["POST"])
@requires("monitor")
def attach(message: int):
    """Attach the message, as the type intake found, to a case proposed or found on the page."""
    row = g.store.message(message)
    if row is None:
        abort(404, "Dit bericht bestaat niet.")
    form = {k: request.form.get(k, "") for k in ("v_nummer", "beoordeeld", "q")} | {"type": row["type"] or ""}
    v = v_nummer(form["v_nummer"])
    if v is None or not g.store.events(v):
        return _message_page(message, "Kies een bestaande zaak om het bericht aan te koppelen.", form, 400)
    if row["type"] not in EVENT_TYPES:
        return _message_page(message, "Kies eerst de soort van het bericht hieronder, met dit V-nummer.",
                             form | {"v_nummer": v}, 400)
    return _decide(message, row["type"], v, form)


@pages.route("/messages/<int:message>/overig", methods=["POST"])
@requires("monitor")
def mark_other(message: int):
    form = {"type": "overig", "v_nummer": "", "beoordeeld": request.form.get("beoordeeld", "")}
    return _decide(message, "overig", "", form)
