"""The data a letter is filled with, taken from the case's events in the register. Plain values only:
the template sees text, numbers, booleans and lists of text, never objects it could call."""

from __future__ import annotations

import datetime as dt

from docgen.register.calendar import extend_term
from docgen.register.procedure import Case, uitstel_refusal
from docgen.register.store import Event

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
MISSING = "[onbekend — aanvullen]"
DECISIONS = {"verlening": ("de verblijfsvergunning regulier voor bepaalde tijd onder de beperking ‘slachtoffer/"
                           "getuige-aangever mensenhandel’ is verleend", "verlening verblijfsvergunning"),
             "intrekking": ("de verblijfsvergunning regulier voor bepaalde tijd onder de beperking ‘slachtoffer/"
                            "getuige-aangever mensenhandel’ is ingetrokken", "intrekking verblijfsvergunning")}
REQUESTS = {"gemeente": "Ik verzoek u de basisregistratie personen binnen 48 uur hierop aan te passen.",
            "politie": "Ik verzoek u betrokkene hierover te informeren.",
            "om": "Dit bericht is ter informatie."}


def dutch_date(value: str | dt.date | None) -> str:
    if not value:
        return MISSING
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def latest(events, field: str) -> str | None:
    for event in reversed(list(events)):
        if event.fields.get(field):
            return event.fields[field]
    return None


def _last(case: Case, kind: str, before: Event | None = None) -> Event | None:
    found = [e for e in case.events if e.kind == kind and (before is None or (e.event_date or "") <= (before.event_date or ""))]
    return found[-1] if found else None


def letter_context(letter, trigger: Event, case: Case, today: dt.date) -> dict:
    events = case.events
    context = {
        "datum": dutch_date(today),
        "kenmerk": f"B83/{trigger.v_nummer}/{trigger.id}",
        "v_nummer": trigger.v_nummer,
        "naam": trigger.fields.get("naam") or latest(events, "naam") or MISSING,
        "geboortedatum": dutch_date(trigger.fields.get("geboortedatum") or latest(events, "geboortedatum")),
        "geadresseerde": letter.addressee,
        "behandelaar": "[naam behandelaar]",
    }
    build = _BUILDERS.get(letter.template)
    if build:
        context.update(build(letter, trigger, case, today))
    return context


def _bedenktijd(letter, trigger, case, today):
    start = dt.date.fromisoformat(trigger.event_date) if trigger.event_date else today
    end = _add_months(start, 3) - dt.timedelta(days=1)
    return {"bedenktijd_start": dutch_date(start), "bedenktijd_einde": dutch_date(end)}


def _verlening(letter, trigger, case, today):
    start = today
    soort = trigger.fields.get("soort", "aangifte")
    return {"ingangsdatum": dutch_date(start), "einddatum": dutch_date(_add_months(start, 12) - dt.timedelta(days=1)),
            "medewerking": "aangifte heeft gedaan van mensenhandel" if soort == "aangifte"
            else "op andere wijze meewerkt aan het strafproces"}


def _voornemen(letter, trigger, case, today):
    return {"parketnummer": trigger.fields.get("parketnummer") or latest(case.events, "parketnummer")
            or MISSING, "sepot_datum": dutch_date(trigger.event_date)}


def _uitstel(letter, trigger, case, today):
    weeks = int(trigger.fields.get("weken") or 0)
    uitreiking = _last(case, "uitreiking", trigger)
    term = next((d for d in case.deadlines if d.name == "zienswijze"), None)
    asked = dt.date.fromisoformat(trigger.event_date) if trigger.event_date else today
    plain_end = None
    if uitreiking and uitreiking.event_date:
        start = dt.date.fromisoformat(uitreiking.event_date)
        plain_end = extend_term(start, start + dt.timedelta(days=14))
    refusal = uitstel_refusal(weeks, asked, plain_end)
    return {"verzoek_datum": dutch_date(asked), "weken": str(weeks or "?"), "toegekend": not refusal,
            "reden_afwijzing": refusal, "nieuwe_einddatum": dutch_date(term.due if term else plain_end)}


def _intrekking(letter, trigger, case, today):
    sepot = _last(case, "sepot", trigger)
    zienswijzen = [e for e in case.events if e.kind == "zienswijze"]
    term = next((d for d in case.deadlines if d.name == "zienswijze"), None)
    motivering, open_punten = [], []
    for z in zienswijzen:
        for item in z.fields.get("argumenten", []):
            if item["titel"] not in [m["titel"] for m in motivering]:
                motivering.append({"titel": item["titel"], "tekst": item["tekst"]})
        open_punten.extend(z.fields.get("open_punten", []))
    return {"parketnummer": (sepot.fields.get("parketnummer") if sepot else None) or MISSING,
            "sepot_datum": dutch_date(sepot.event_date if sepot else None),
            "uitreiking_datum": dutch_date(trigger.event_date), "termijn_einde": dutch_date(term.due if term else None),
            "zienswijze": bool(zienswijzen), "zienswijze_datum": dutch_date(zienswijzen[-1].event_date if zienswijzen else None),
            "motivering": motivering, "open_punten": open_punten}


def _kennisgeving(letter, trigger, case, today):
    besluit, kort = DECISIONS[letter.notice]
    partner = letter.name.rsplit("-", 1)[-1]
    return {"besluit": besluit, "besluit_kort": kort, "besluit_datum": dutch_date(today),
            "verzoek": REQUESTS.get(partner, "")}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_BUILDERS = {"bevestiging-bedenktijd": _bedenktijd, "beschikking-verlening": _verlening,
             "voornemen-intrekking": _voornemen, "besluit-uitstel": _uitstel,
             "beschikking-intrekking": _intrekking, "kennisgeving": _kennisgeving}


def explanation(letter, context: dict, case: Case) -> str:
    """The note beside a motivated draft: which blocks were chosen and why, what is left open."""
    lines = [f"Toelichting bij het concept {letter.name} voor V-nummer {case.v_nummer}", ""]
    if not context.get("zienswijze"):
        lines.append("Er is binnen de termijn geen zienswijze ontvangen; er zijn geen bouwstenen gekozen.")
        return "\n".join(lines) + "\n"
    lines.append("Gekozen bouwstenen (uit templates/bouwstenen.yaml):")
    for z in (e for e in case.events if e.kind == "zienswijze"):
        for item in z.fields.get("argumenten", []):
            lines.append(f"- {item['titel']} ({item['key']}), omdat de zienswijze zegt: “{item['zin']}”")
    lines.append("")
    lines.append("Open punten (geen bouwsteen; motiveer zelf in het concept, gemarkeerd met [OPEN PUNT]):")
    lines.extend(f"- “{p}”" for p in context.get("open_punten", [])) if context.get("open_punten") else lines.append("- geen")
    return "\n".join(lines) + "\n"
