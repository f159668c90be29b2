"""The Flask application: one register connection per request, secrets kept in the data directory."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask, g

from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.dates import dutch_date
from docgen.letters.upload import MAX_UPLOAD_BYTES
from docgen.register.store import Reviews, Store

MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024  # one DOCX plus the form around it
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # the app's own pages may see where a form came from, nobody else
    "Cache-Control": "no-store",  # case pages and letters never stay in a browser's or proxy's cache
}


def _secret(data: Path) -> str:
    path = data / "web-secret"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(settings: Settings, clock: Clock = SYSTEM, *, secure_cookies: bool = False,
               render_seconds: float = 60) -> Flask:
    """`secure_cookies`: the session cookie is sent over HTTPS only (TLS ends at a proxy in front)."""
    from docgen.web import (  # noqa: F401 - each module adds its pages to the blueprint
        cases,
        errors,
        inbox,
        maintainer,
        reporting,
        review_pages,
        worklists,
    )
    from docgen.web.auth import SESSION_SECONDS, dummy_hash, load_session
    from docgen.web.pages import may, pages
    from docgen.web.words import FILTERS

    app = Flask(__name__)
    app.config.update(SECRET_KEY=_secret(settings.data), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=secure_cookies,
                      SESSION_COOKIE_NAME="__Host-docgen" if secure_cookies else "session",
                      PERMANENT_SESSION_LIFETIME=SESSION_SECONDS, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
                      DOCGEN=settings, DOCGEN_CLOCK=clock, DOCGEN_RENDER_SECONDS=render_seconds)
    app.register_blueprint(pages)
    errors.register(app)
    app.jinja_env.filters["nl_date"] = dutch_date
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.globals["may"] = may
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    dummy_hash()  # made now, so that no login pays for it

    @app.before_request
    def open_register():
        g.store = Store(settings.database_url)
        g.reviews = Reviews(g.store)
        load_session(g.reviews)

    @app.teardown_request
    def close_register(exc):
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.context_processor
    def work_counts():
        """The numbers in the header: each role's work lists (only for a logged-in user)."""
        if not g.get("user") or "store" not in g:
            return {"counts": {}, "menu": []}
        from docgen.web.pages import lists

        counts = lists().counts(g.role, g.user, clock.today())
        return {"counts": counts, "menu": worklists.menu(g.role, counts)}

    @app.after_request
    def headers(response):
        response.headers.update(HEADERS)
        response.headers.pop("Server", None)
        return response

    return app
