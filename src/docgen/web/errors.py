"""Every error inside the layout, in Dutch: what went wrong and what to do now."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

TITLES = {
    400: ("Dat ging niet", "Het verzoek was niet volledig of niet juist. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang", "Uw rol geeft geen toegang tot deze pagina of handeling."),
    404: ("Niet gevonden", "Deze pagina, zaak, brief of dit bericht bestaat niet (meer)."),
    405: ("Niet toegestaan", "Deze handeling kan zo niet worden gedaan."),
    409: ("Dat kan nu niet", "De brief of het bericht is intussen veranderd. Laad de pagina opnieuw."),
    413: ("Te groot", "Het bestand is groter dan 10 MB."),
    429: ("Te veel pogingen", "Wacht even en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging bij docgen iets mis. Het is vastgelegd; probeer het later opnieuw of meld "
                              "het bij de beheerder."),
}


def render_error(error: HTTPException):
    code = error.code or 500
    title, default = TITLES.get(code, TITLES[500] if code >= 500 else TITLES[400])
    # A Dutch reason given with abort(); werkzeug's own English description is never shown.
    reason = error.description if error.description and error.description != type(error).description else default
    if code >= 500:
        reason = default
    return render_template("error.html", code=code, title=title, reason=reason), code


def register(app) -> None:
    for code in TITLES:
        app.register_error_handler(code, render_error)
