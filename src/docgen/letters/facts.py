"""The facts of one letter, taken from the whole case: names, addressee, legally relevant dates, grounds.

Pure: the same case gives the same facts, whatever day it is. The drafting day and the behandelaar are
not facts (they are added when the letter is rendered), so a letter is drafted anew only when what it
says about the case changes. What is unknown becomes a [placeholder] that stops approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from docgen.dates import add_months, dutch_date
from docgen.letters.catalogue import LetterKind
from docgen.model import Case, Event
from docgen.yamlfile import load_yaml

UNKNOWN_NAME = "[naam betrokkene]"
# Art. 3.48, eerste lid, Vb per ground. The seeds give "onder a en b" for victims (B9/12) and "onder c" for
# getuige-aangevers (B9/13); which of a/b is aangifte and which medewerking is for the maintainer to verify
# against the text of the Vb (templates/README.md).
GRONDSLAG = {
    "aangifte": "artikel 3.48, eerste lid, aanhef en onder a, van het Vreemdelingenbesluit 2000",
    "medewerking": "artikel 3.48, eerste lid, aanhef en onder b, van het Vreemdelingenbesluit 2000",
    "getuige-aangever": "artikel 3.48, eerste lid, aanhef en onder c, van het Vreemdelingenbesluit 2000",
}
GROND = {
    "aangifte": "aangifte heeft gedaan van mensenhandel",
    "medewerking": "op andere wijze medewerking verleent aan het strafrechtelijk onderzoek naar mensenhandel",
    "getuige-aangever": "als getuige-aangever aangifte heeft gedaan van mensenhandel",
}


def afzender(templates: Path) -> dict:
    path = templates / "afzender.yaml"
    data = load_yaml(path) if path.exists() else {}
    return {k: str(data.get(k, "")) for k in ("naam", "unit", "adres", "postcode_plaats", "telefoon", "email")}


def facts_hash(facts: dict) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def letter_facts(letter: LetterKind, trigger: Event, case: Case, finals_dates: dict | None = None,
                 sequence: int = 1) -> dict:
    """`finals_dates` maps a slot to the date its final letter carries (for kennisgevingen). The reference
    names the letter and its number within the case, so the same case gives the same reference however
    its mail arrived."""
    person = case.person
    facts = {
        "kenmerk": f"B83/{case.v_nummer}/{letter.code}{sequence}",
        "v_nummer": case.v_nummer,
        "naam": person.get("naam") or UNKNOWN_NAME,
        "geboortedatum": dutch_date(person.get("geboortedatum")),
        "nationaliteit": person.get("nationaliteit", ""),
        "eenheid": _eenheid(case),
    }
    build = _BUILDERS[letter.template]
    facts.update(build(letter, trigger, case, finals_dates or {}))
    return facts


# -- addressees ---------------------------------------------------------------------------------

def _eenheid(case: Case) -> str:
    if case.eenheid:
        unit = case.eenheid.strip()
        if "marechaussee" in unit.lower() or unit.lower().startswith("kmar"):
            return "Koninklijke Marechaussee" if unit.lower() in ("kmar", "koninklijke marechaussee") else unit
        return unit if unit.lower().startswith("politie") else f"Politie, eenheid {unit}"
    return "[politie-eenheid uit de M55]"


def _person_lines(case: Case) -> list[str]:
    return [case.person.get("naam") or UNKNOWN_NAME, f"p/a {_eenheid(case)}", "(ter uitreiking aan betrokkene)"]


def _gemachtigde_lines(g: dict) -> list[str]:
    lines = [g["naam"]]
    if g.get("kantoor"):
        lines.append(g["kantoor"])
    lines.extend(part.strip() for part in (g.get("adres") or "").split(",") if part.strip())
    if len(lines) == 1 and g.get("email"):
        lines.append(g["email"])
    return lines


def _aanhef(lawyer: dict | None) -> str:
    """A lawyer is addressed by name ("Geachte mr. De Vries,"); anyone else formally without one."""
    name = (lawyer or {}).get("naam", "")
    return f"Geachte {name}," if name.lower().startswith("mr") else "Geachte heer, mevrouw,"


def _to_person_or_lawyer(case: Case, prefer_lawyer: bool) -> dict:
    lawyer = prefer_lawyer and case.gemachtigde is not None
    lines = _gemachtigde_lines(case.gemachtigde) if lawyer else _person_lines(case)
    copies = []
    if case.gemachtigde and not lawyer:
        copies.append(f"{case.gemachtigde['naam']}" + (f", {case.gemachtigde['kantoor']}" if case.gemachtigde.get(
            "kantoor") else "") + " (gemachtigde)")
    copies.append(_eenheid(case))
    return {"geadresseerde": lines, "aanhef": _aanhef(case.gemachtigde if lawyer else None), "afschrift": copies}


def _event_date(event: Event | None) -> str:
    return dutch_date(event.day if event else None)


def _parketnummer(case: Case) -> str:
    for event in (case.sepot, *reversed(case.events)):
        if event is not None and event.fields.get("parketnummer"):
            return event.fields["parketnummer"]
    return "[parketnummer]"


# -- per template -------------------------------------------------------------------------------

def _bedenktijd(letter, trigger, case, finals):
    return {"geadresseerde": [_eenheid(case), "t.a.v. de afdeling die de M55 heeft gezonden"],
            "aanhef": "Geachte heer, mevrouw,", "afschrift": [],
            "bedenktijd_start": _event_date(trigger), "bedenktijd_einde": dutch_date(case.bedenktijd_end)}


def _permit_dates(one_day: bool, start: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    return (start, start) if one_day else (start, add_months(start, months) - dt.timedelta(days=1))


def _verlening(letter, trigger, case, finals):
    revived = letter.name.endswith("herleefd")
    app = case.application
    start = (trigger.day if revived else (app.received_day or app.day))
    begin, end = _permit_dates(case.one_day and not revived, start)
    ground = case.ground or "aangifte"
    return {**_to_person_or_lawyer(case, prefer_lawyer=False),
            "ingangsdatum": dutch_date(begin), "einddatum": dutch_date(end), "een_dag": case.one_day and not revived,
            "grondslag": GRONDSLAG.get(ground, GRONDSLAG["aangifte"]), "grond": GROND.get(ground, GROND["aangifte"]),
            "m55_datum": _event_date(app), "sepot_datum": _event_date(case.sepot),
            "parketnummer": _parketnummer(case) if case.sepot else ""}


def _voornemen(letter, trigger, case, finals):
    app = case.application
    return {**_to_person_or_lawyer(case, prefer_lawyer=False), "sepot_datum": _event_date(trigger),
            "parketnummer": trigger.fields.get("parketnummer") or _parketnummer(case),
            "ingangsdatum": dutch_date(app.received_day if app else None) if app else ""}


def _uitstel(letter, trigger, case, finals):
    decision = next(u for u in case.uitstel if u.event.id == trigger.id)
    return {**_requester(case, trigger), "verzoek_datum": _event_date(trigger), "weken": str(decision.asked_weeks or ""),
            "toegekend_weken": str(decision.granted_weeks), "uitkomst": decision.outcome,
            "redenen": list(decision.reasons), "reden_afwijzing": decision.why,
            "oude_einddatum": dutch_date(decision.term_before) if decision.term_before else "",
            "nieuwe_einddatum": dutch_date(decision.term_after) if decision.term_after else ""}


def _requester(case: Case, event: Event) -> dict:
    f = event.fields
    if f.get("gemachtigde_naam"):
        g = {"naam": f["gemachtigde_naam"], "kantoor": f.get("gemachtigde_kantoor", ""),
             "adres": f.get("gemachtigde_adres", ""), "email": f.get("afzender_adres", "")}
        return {"geadresseerde": _gemachtigde_lines(g), "aanhef": _aanhef(g), "afschrift": [_eenheid(case)]}
    name = f.get("afzender") or case.person.get("naam") or UNKNOWN_NAME
    lines = [name] + ([f["afzender_adres"]] if f.get("afzender_adres") else [])
    return {"geadresseerde": lines, "aanhef": "Geachte heer, mevrouw,", "afschrift": [_eenheid(case)]}


def _intrekking(letter, trigger, case, finals):
    term = case.term_end
    zienswijzen = [{"datum": _event_date(z), "laat": bool(term and (z.received_day or z.day) > term),
                    "afzender": z.fields.get("afzender", "")} for z in case.zienswijzen]
    motivering, open_punten, raised = [], [], set()
    for z in case.zienswijzen:
        for item in z.fields.get("argumenten", []):
            raised.add(item.get("key"))
            if item["titel"] not in [m["titel"] for m in motivering]:
                motivering.append({"titel": item["titel"], "tekst": item["tekst"]})
        for point in z.fields.get("open_punten", []):
            if point not in open_punten:
                open_punten.append(point)
    vv = case.vv
    return {**_to_person_or_lawyer(case, prefer_lawyer=True),
            "parketnummer": (case.sepot.fields.get("parketnummer") if case.sepot else None) or _parketnummer(case),
            "sepot_datum": _event_date(case.sepot), "uitreiking_datum": _event_date(trigger),
            "termijn_einde": dutch_date(term), "zienswijze": bool(zienswijzen), "zienswijzen": zienswijzen,
            "te_laat": any(z["laat"] for z in zienswijzen), "motivering": motivering, "open_punten": open_punten,
            "medisch": "trauma-medisch" in raised, "gezinsleven": "gezinsleven" in raised, "vv_status": case.vv_status, "vv_datum": _event_date(vv) if vv else "",
            "vv_besluit_datum": _event_date(case.vv_decision) if case.vv_decision else "",
            "ingangsdatum": ""}


def _kennisgeving(letter, trigger, case, finals):
    decision = letter.after
    partner = letter.name.rsplit("-", 1)[-1]
    besluit_datum = finals.get(f"{decision}:{trigger.id}")
    app = case.application
    start = app.received_day if app else None
    begin, end = _permit_dates(case.one_day, start) if start else (None, None)
    revoke = decision == "beschikking-intrekking"
    out = {"besluit": "intrekking" if revoke else "verlening", "besluit_datum": dutch_date(besluit_datum),
           "ingangsdatum": dutch_date(besluit_datum if revoke else begin), "einddatum": dutch_date(end) if end else "",
           "een_dag": case.one_day, "ontvanger": partner, "parketnummer": "", "a_nummer": "", "verzoek": "",
           "afschrift": []}
    if partner == "politie":
        out.update(geadresseerde=[_eenheid(case), "t.a.v. de afdeling die de M55 heeft gezonden"],
                   verzoek="Ik verzoek u betrokkene hierover te informeren.")
    elif partner == "om":
        out.update(geadresseerde=["Openbaar Ministerie", f"t.a.v. de officier van justitie, parketnummer "
                                  f"{_parketnummer(case) if case.sepot else '(nog geen sepot)'}"],
                   parketnummer=_parketnummer(case) if case.sepot else "")
    else:
        gemeente = case.gemeente or "[gemeente van inschrijving]"
        out.update(geadresseerde=[f"College van burgemeester en wethouders van {gemeente}",
                                  "t.a.v. Burgerzaken, basisregistratie personen"],
                   a_nummer=case.a_nummer, verzoek="Ik verzoek u de basisregistratie personen hierop aan te passen.")
    out["aanhef"] = "Geachte heer, mevrouw,"
    return out


_BUILDERS = {"bevestiging-bedenktijd": _bedenktijd, "beschikking-verlening": _verlening,
             "voornemen-intrekking": _voornemen, "besluit-uitstel": _uitstel,
             "beschikking-intrekking": _intrekking, "kennisgeving": _kennisgeving}
