"""Cases: the list (search, filter, sort, 50 a page, from the register's `cases` table) and the case page
(the person, the events with their messages, deadlines, why anything waits, each letter with its versions,
downloads named `<V-nummer>-<letter>-v<N>`, and the audit trail)."""

from __future__ import annotations

from flask import abort, g, render_template, request, send_file

from docgen.register.drafts import Drafts
from docgen.register.lists import DEADLINE_FILTERS
from docgen.web.auth import requires
from docgen.web.pages import (
    MESSAGE_READERS,
    READERS,
    STAFF,
    clock,
    lists,
    may,
    page_number,
    pages,
    settings,
    today,
)

SORT_WORDS = {"urgentie": "urgentie", "v_nummer": "V-nummer", "naam": "naam", "toestand": "toestand",
              "uiterlijk": "uiterlijk"}


@pages.route("/cases")
@requires(*READERS)
def cases():
    args = request.args
    q, state, step, deadline = args.get("q", ""), args.get("toestand", ""), args.get("stap", ""), args.get("termijn", "")
    sort = args.get("sorteer", "urgentie") if args.get("sorteer") in SORT_WORDS else "urgentie"
    descending = args.get("richting") == "af"
    found = lists().cases(today(), q=q, state=state, step=step,
                          deadline=deadline if deadline in DEADLINE_FILTERS else "",
                          waiting=bool(args.get("wacht")), sort=sort, descending=descending, number=page_number())
    states, steps = lists().case_choices()
    return render_template("cases.html", found=found, q=q, state=state, step=step, deadline=deadline, sort=sort,
                           descending=descending, states=states, steps=steps, sorts=SORT_WORDS, waiting=args.get("wacht"))


def case_page(v_nummer: str, error: str = "", status: int = 200):
    """The case page; `error` (a refused approval or upload) is shown inside it."""
    from docgen.cli import case_data

    v_nummer = "".join(ch for ch in v_nummer if ch.isdigit())
    if len(v_nummer) != 10 or not g.store.events(v_nummer):
        abort(404, "Er is geen zaak met dit V-nummer.")
    data = case_data(settings(), g.store, v_nummer, clock())
    drafts = Drafts(g.store)
    letters = drafts.letters(v_nummer)
    heads = lists().message_heads([e["message"] for e in data["events"]])
    titles = {letter.id: letter for letter in letters}
    return render_template("case.html", case=data, letters=letters, heads=heads, audit=drafts.audit(v_nummer),
                           titles=titles, error=error, may_download=may(*STAFF),
                           may_read_messages=may(*MESSAGE_READERS)), status


@pages.route("/cases/<v_nummer>")
@requires(*READERS)
def case(v_nummer: str):
    return case_page(v_nummer)


def file_name(letter, version, kind: str) -> str:
    """What staff download: `<V-nummer>-<letter>[-<n>]-v<N>.docx`, the same name as in the outbox."""
    sequence = f"-{letter.sequence}" if letter.sequence > 1 else ""
    return f"{letter.v_nummer}-{letter.kind}{sequence}-v{version.number}.{kind}"


@pages.route("/versions/<int:version>/<kind>")
@requires(*STAFF)
def download(version: int, kind: str):
    """A version's DOCX or PDF as a download; `?bekijken=1` shows the PDF in the browser instead."""
    from docgen.review import version_file

    found = Drafts(g.store).version(version)
    if found is None or kind not in ("docx", "pdf"):
        abort(404, "Deze versie van de brief bestaat niet.")
    letter, v = found
    if not (v.docx_path if kind == "docx" else v.pdf_path):
        abort(404, "Deze versie wordt nog gemaakt; probeer het over een minuut opnieuw.")
    inline = kind == "pdf" and request.args.get("bekijken") == "1"
    return send_file(version_file(settings(), v, kind), as_attachment=not inline,
                     download_name=file_name(letter, v, kind),
                     mimetype="application/pdf" if kind == "pdf" else None)
