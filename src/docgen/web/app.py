"""The Flask application: one register connection per request, secrets kept in the data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, g

from docgen.clock import SYSTEM, Clock
from docgen.config import Settings
from docgen.dates import dutch_date
from docgen.register.store import Reviews, Store


def _secret(data: Path) -> str:
    path = data / "web-secret"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(settings: Settings, clock: Clock = SYSTEM) -> Flask:
    from docgen.web.auth import SESSION_SECONDS
    from docgen.web.pages import pages

    app = Flask(__name__)
    app.config.update(SECRET_KEY=_secret(settings.data), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", PERMANENT_SESSION_LIFETIME=SESSION_SECONDS,
                      MAX_CONTENT_LENGTH=20_000_000, DOCGEN=settings, DOCGEN_CLOCK=clock)
    app.register_blueprint(pages)
    app.jinja_env.filters["nl_date"] = dutch_date

    @app.before_request
    def open_register():
        g.store = Store(settings.database_url)
        g.reviews = Reviews(g.store)

    @app.teardown_request
    def close_register(exc):
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app
