"""Each role's day: the work lists with their counts in the header, and an overview page for the day.

Triage (monitor), Mijn concepten, Termijnen deze week and Achterhaald (behandelaar), Te medeondertekenen
(contactpersoon). The lists are queries on the register (register/lists.py), 50 rows a page.
"""

from __future__ import annotations

from flask import g, render_template, request, url_for

from docgen.register.lists import end_of_week
from docgen.web.auth import requires
from docgen.web.pages import STAFF, lists, page_number, pages, today

# (endpoint, label, count key, roles that see it, query arguments)
MENU = (
    ("pages.overview", "Vandaag", None, ("monitor", "behandelaar", "contactpersoon"), {}),
    ("pages.inbox", "Inbox", None, ("monitor",), {}),
    ("pages.inbox", "Triage", "triage", ("monitor",), {"status": "open"}),
    ("pages.cases", "Zaken", None, (*STAFF, "manager"), {}),
    ("pages.my_concepts", "Mijn concepten", "concepten", ("behandelaar",), {}),
    ("pages.deadlines", "Termijnen deze week", "termijnen", ("behandelaar",), {}),
    ("pages.outdated", "Achterhaald", "achterhaald", ("behandelaar",), {}),
    ("pages.to_cosign", "Te medeondertekenen", "medeondertekenen", ("contactpersoon",), {}),
    ("pages.templates", "Sjablonen", None, ("template-maintainer",), {}),
    ("pages.report", "Rapportage", None, ("monitor", "behandelaar", "contactpersoon", "template-maintainer",
                                          "manager"), {}),
)


def menu(role: str | None, counts: dict[str, int]) -> list[dict]:
    """The header's links for this role, each with its count; the page shown is marked current."""
    items = []
    current = (request.endpoint, request.args.get("status", ""))
    for endpoint, label, key, roles, args in MENU:
        if role not in roles and role != "admin":
            continue
        items.append({"href": url_for(endpoint, **args), "label": label, "count": counts.get(key) if key else None,
                      "current": current == (endpoint, args.get("status", ""))})
    return items


@pages.route("/vandaag")
@requires("monitor", "behandelaar", "contactpersoon")
def overview():
    """What today asks of this person: the first rows of each of their lists."""
    role, user, day = g.role, g.user, today()
    mine = None if role == "admin" else user
    found, first = {}, 10  # the first rows of each list; the list itself has them all
    if role in ("monitor", "admin"):
        found["triage"] = lists().messages(status="open", size=first)
    if role in ("behandelaar", "admin"):
        found["concepten"] = lists().my_concepts(mine, size=first)
        found["termijnen"] = lists().deadlines_this_week(day, size=first)
        found["achterhaald"] = lists().outdated(size=first)
    if role in ("contactpersoon", "admin"):
        found["medeondertekenen"] = lists().to_cosign(mine, size=first)
    return render_template("overview.html", found=found, day=day, sunday=end_of_week(day))


@pages.route("/werk/concepten")
@requires("behandelaar")
def my_concepts():
    found = lists().my_concepts(None if g.role == "admin" else g.user, page_number())
    return render_template("worklist.html", title="Mijn concepten", found=found, kind="concepten",
                           caption="Concepten die op goedkeuring wachten: door u het laatst bewerkt, of nog door "
                                   "niemand opgepakt")


@pages.route("/werk/medeondertekenen")
@requires("contactpersoon")
def to_cosign():
    found = lists().to_cosign(None if g.role == "admin" else g.user, page_number())
    return render_template("worklist.html", title="Te medeondertekenen", found=found, kind="medeondertekenen",
                           caption="Goedgekeurde laatste versies die een ander goedkeurde (visie vooraf)")


@pages.route("/werk/achterhaald")
@requires("behandelaar")
def outdated():
    return render_template("worklist.html", title="Achterhaald", found=lists().outdated(page_number()),
                           kind="achterhaald", caption="Definitieve brieven die de zaak nu tegenspreekt")


@pages.route("/werk/termijnen")
@requires("behandelaar")
def deadlines():
    day = today()
    return render_template("deadlines.html", found=lists().deadlines_this_week(day, page_number()), day=day,
                           sunday=end_of_week(day))
