"""The web application for monitors, behandelaars, contactpersonen and template maintainers."""

from docgen.web.app import create_app

__all__ = ["create_app"]
