"""Who may see what: hashed passwords, roles, server-side sessions that can be ended, CSRF on every form.

The signed cookie only carries a random session token (and a CSRF token); whether it still opens
a session is looked up in the register on every request, so logout, removal of the user, a new
password or a new role end it at once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("monitor", "behandelaar", "contactpersoon", "template-maintainer", "manager", "admin")
# manager: the report and the cases, read-only; no inbox, no messages, no letters to download, no actions.
SESSION_SECONDS = 30 * 60


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@functools.cache
def dummy_hash() -> str:
    """A hash made like every real one (same scrypt parameters), of a password nobody knows."""
    return hash_password(secrets.token_urlsafe(24))


def verify(user, password: str) -> bool:
    """Exactly one scrypt check, whether or not the user exists: the time taken does not tell names apart."""
    stored = user["password_hash"] if user is not None else dummy_hash()
    return check_password_hash(stored, password) and user is not None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(accounts, user) -> None:
    """A fresh session (a new token: nothing from before the login survives it) with its own CSRF token."""
    token, at = secrets.token_urlsafe(32), time.time()
    accounts.open_session(_digest(token), user["name"], at, at + SESSION_SECONDS)
    session.clear()
    session["sid"] = token
    session["user"], session["role"] = user["name"], user["role"]  # for display; rights come from the register
    session["csrf"] = secrets.token_urlsafe(32)


def end_session(accounts) -> None:
    if "sid" in session:
        accounts.end_session(_digest(session["sid"]))
    session.clear()


def load_session(accounts) -> None:
    """On every request: the cookie's token must name a live session of a user that still exists."""
    g.user = g.role = None
    token = session.get("sid")
    row = accounts.session_user(_digest(token), time.time()) if isinstance(token, str) else None
    if row is None:
        if "user" in session or "sid" in session:
            session.clear()  # ended, expired or from before server-side sessions: log in again
        return
    g.user, g.role = row["name"], row["role"]
    if (session.get("user"), session.get("role")) != (g.user, g.role):
        session["user"], session["role"] = g.user, g.role


def current_user() -> str | None:
    return g.get("user")


def csrf_token() -> str:
    """The session's CSRF token; an anonymous session gets one too, for the login form."""
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok() -> bool:
    expected = session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(request.form.get("csrf", ""), expected)


def requires(*roles: str):
    """Login for every page; and one of `roles` (admin may do everything), else 403."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user() is None:
                return redirect(url_for("pages.login", next=request.path))
            if roles and g.role not in roles and g.role != "admin":
                abort(403)
            if request.method == "POST" and not csrf_ok():
                abort(400, "Het formulier was verlopen of kwam niet van deze site. Laad de pagina opnieuw en probeer het nog eens.")
            return view(*args, **kwargs)
        return wrapper
    return decorate
