"""The blueprint every page belongs to, logging in and out, and what all pages share.

The pages themselves live one module per concern: inbox and message (monitor), cases and the case page,
review (approve, co-sign, correct), work lists, report, templates; errors.py renders every error inside
the layout, in Dutch.
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from docgen.register.lists import Lists
from docgen.web import throttle
from docgen.web.auth import csrf_ok, csrf_token, current_user, end_session, login, requires, verify

pages = Blueprint("pages", __name__)
HOME = {"monitor": "pages.inbox", "behandelaar": "pages.cases", "contactpersoon": "pages.cases",
        "template-maintainer": "pages.templates", "manager": "pages.report", "admin": "pages.cases"}
STAFF = ("behandelaar", "contactpersoon")  # read cases and letters, act on them by role
READERS = (*STAFF, "manager")              # the case list and case pages, read-only for the manager
MESSAGE_READERS = ("monitor", *STAFF)      # a message as received (the monitor acts on it)


def clock():
    return current_app.config["DOCGEN_CLOCK"]


def today() -> dt.date:
    return clock().today()


def settings():
    return current_app.config["DOCGEN"]


def lists() -> Lists:
    if "lists" not in g:
        g.lists = Lists(g.store)
    return g.lists


def page_number() -> int:
    try:
        return max(1, int(request.args.get("pagina", "1")))
    except ValueError:
        return 1


def may(*roles: str) -> bool:
    """Whether the logged-in user has one of `roles` (admin has every role)."""
    return g.get("role") in roles or g.get("role") == "admin"


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
                return redirect(local_path(request.args.get("next")) or url_for(HOME.get(user["role"], "pages.report")))
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
    return redirect(url_for(HOME.get(g.role, "pages.report")))


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this application; None for anything that could lead elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
