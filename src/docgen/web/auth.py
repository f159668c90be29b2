"""Who may see what: hashed passwords, roles, expiring sessions and CSRF tokens on every form."""

from __future__ import annotations

import functools
import hmac
import secrets
import time

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("monitor", "behandelaar", "contactpersoon", "template-maintainer", "admin")
SESSION_SECONDS = 30 * 60


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify(user, password: str) -> bool:
    return user is not None and check_password_hash(user["password_hash"], password)


def login(user) -> None:
    session.clear()
    session["user"], session["role"] = user["name"], user["role"]
    session["since"] = time.time()
    session["csrf"] = secrets.token_urlsafe(32)


def current_user() -> str | None:
    if "user" not in session:
        return None
    if time.time() - session.get("since", 0) > SESSION_SECONDS:
        session.clear()  # expired: log in again
        return None
    return session["user"]


def requires(*roles: str):
    """Login for every page; and one of `roles` (admin may do everything), else 403."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user() is None:
                return redirect(url_for("pages.login", next=request.path))
            if roles and session["role"] not in roles and session["role"] != "admin":
                abort(403)
            if request.method == "POST":
                sent = request.form.get("csrf", "")
                if not hmac.compare_digest(sent, session.get("csrf", "")):
                    abort(400, "missing or wrong CSRF token")
            g.user, g.role = session["user"], session["role"]
            return view(*args, **kwargs)
        return wrapper
    return decorate
