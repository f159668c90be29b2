"""The facts of one letter, taken from the whole case: names, addressee, legally relevant dates, grounds.

Pure: the same case gives the same facts, whatever day it is. The drafting day and the behandelaar are
not facts (they are added when the letter is rendered), so a letter is drafted anew only when what it
says about the case changes. What is unknown becomes a [placeholder] that stops approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from docgen.dates import add_months, dutch_date
from docgen.letters.catalogue import LetterKind
from docgen.letters.numbers import in_words
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
# Nationals of the EU/EEA and Switzerland fall under B8/3 only where EU law gives them no rights (B8/3.1).
EU_NATIONALITIES = frozenset("""belgische bulgaarse cypriotische deense duitse estse finse franse griekse hongaarse ierse
italiaanse kroatische letse litouwse luxemburgse maltese nederlandse oostenrijkse poolse portugese roemeense sloveense
slowaakse spaanse tsjechische zweedse ijslandse liechtensteinse noorse zwitserse""".split())
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^mr\.?$|^dr\.?$|^drs\.?$|^ing\.?$", re.I)


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
    nationaliteit = person.get("nationaliteit", "")
    facts = {
        "kenmerk": f"B83/{case.v_nummer}/{letter.code}{sequence}",
        "v_nummer": case.v_nummer,
        "naam": person.get("naam") or UNKNOWN_NAME,
        "geboortedatum": dutch_date(person.get("geboortedatum")),
        "nationaliteit": nationaliteit,
        "eenheid": _eenheid(case),
        "melder": _melder(case),
    }
    build = _BUILDERS[letter.template]
    facts.update(build(letter, trigger, case, finals_dates or {}))
    if letter.name == "kennisgeving-intrekking-gemeente":  # the gemeente learns nothing of the ground
        facts["kenmerk"] = f"IND/{case.v_nummer}/{sequence}"
    return facts


def is_eu(nationaliteit: str) -> bool:
    return nationaliteit.strip().lower() in EU_NATIONALITIES


# -- addressees ---------------------------------------------------------------------------------

def _eenheid(case: Case) -> str:
    unit = (case.eenheid or "").strip()
    if not unit:
        return "[politie-eenheid uit de M55]"
    low = unit.lower()
    if "marechaussee" in low or low.startswith("kmar"):
        return "Koninklijke Marechaussee" if low in ("kmar", "koninklijke marechaussee") else unit
    return unit if low.startswith("politie") else f"Politie, eenheid {unit}"


def _melder(case: Case) -> str:
    """The police unit in a running sentence: "de politie, eenheid Rotterdam," / "de Koninklijke Marechaussee"."""
    unit = _eenheid(case)
    if unit.startswith("Politie, eenheid "):
        return f"de politie, eenheid {unit.removeprefix('Politie, eenheid ')},"
    if unit.startswith("["):
        return f"de politie {unit}"
    return f"de {unit}" if unit.lower().startswith("koninklijke") else f"de politie ({unit})"


def surname(name: str) -> str:
    """"mr. A. de Vries" → "De Vries"; "Hawa Owusu" → "Owusu" (the given name goes, the tussenvoegsel stays)."""
    parts = [p for p in name.split() if not _INITIAL.match(p)]
    if len(parts) > 1 and not name.split()[0].endswith("."):
        parts = parts[1:]  # a first name, not initials
    if not parts:
        return ""
    return parts[0][:1].upper() + " ".join(parts)[1:]


def _person_aanhef(case: Case) -> str:
    name = case.person.get("naam")
    return f"Geachte heer/mevrouw {surname(name)}," if name else "Geachte heer, mevrouw,"


def _lawyer_aanhef(lawyer: dict) -> str:
    name = lawyer.get("naam", "")
    title = "mr. " if name.lower().startswith("mr") else "heer/mevrouw "
    return f"Geachte {title}{surname(name)}," if surname(name) else "Geachte heer, mevrouw,"


def _person_lines(case: Case) -> list[str]:
    return [case.person.get("naam") or UNKNOWN_NAME, f"p/a {_eenheid(case)}", "(ter uitreiking aan betrokkene)"]


def _gemachtigde_lines(g: dict) -> list[str]:
    lines = [g["naam"]]
    if g.get("kantoor"):
        lines.append(g["kantoor"])
    address = [part.strip() for part in (g.get("adres") or "").split(",") if part.strip()]
    lines.extend(address)
    if not address and g.get("email"):
        lines.append(f"per e-mail: {g['email']}")
    return lines


def _gemachtigde_copy(g: dict) -> str:
    return ", ".join(_gemachtigde_lines(g)) + " (gemachtigde)"


def _to_person_or_lawyer(case: Case, prefer_lawyer: bool) -> dict:
    """To the gemachtigde when one has written and the letter is a decision for them; otherwise to the person,
    c/o the police unit of the M55. The other is in copy, with the police."""
    lawyer = prefer_lawyer and case.gemachtigde is not None
    if lawyer:
        return {"geadresseerde": _gemachtigde_lines(case.gemachtigde), "aanhef": _lawyer_aanhef(case.gemachtigde),
                "afschrift": [f"betrokkene, p/a {_eenheid(case)}", _eenheid(case)]}
    copies = [_gemachtigde_copy(case.gemachtigde)] if case.gemachtigde else []
    return {"geadresseerde": _person_lines(case), "aanhef": _person_aanhef(case),
            "afschrift": copies + [_eenheid(case)]}


def _event_date(event: Event | None) -> str:
    return dutch_date(event.day if event else None)


def _parketnummer(case: Case) -> str:
    for event in (case.sepot, *reversed(case.events)):
        if event is not None and event.fields.get("parketnummer"):
            return event.fields["parketnummer"]
    return "[parketnummer]"


def _permit_dates(one_day: bool, start: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    return (start, start) if one_day else (start, add_months(start, months) - dt.timedelta(days=1))


def _permit(case: Case) -> tuple[dt.date | None, dt.date | None]:
    app = case.application
    if app is None:
        return None, None
    return _permit_dates(case.one_day, app.received_day or app.day)


# -- per template -------------------------------------------------------------------------------

def _bedenktijd(letter, trigger, case, finals):
    return {"geadresseerde": [_eenheid(case), "t.a.v. de afdeling AVIM"], "aanhef": "Geachte heer, mevrouw,",
            "afschrift": [], "bedenktijd_start": _event_date(trigger),
            "bedenktijd_einde": dutch_date(case.bedenktijd_end), "eu": is_eu(case.person.get("nationaliteit", ""))}


def _verlening(letter, trigger, case, finals):
    revived = letter.name.endswith("herleefd")
    app = case.application
    received = app.received_day or app.day
    begin, end = _permit_dates(case.one_day and not revived, trigger.day if revived else received)
    ground = case.ground or "aangifte"
    beklag = case.revived if revived else None
    return {**_to_person_or_lawyer(case, prefer_lawyer=False),
            "ingangsdatum": dutch_date(begin), "einddatum": dutch_date(end), "een_dag": case.one_day and not revived,
            "grondslag": GRONDSLAG.get(ground, GRONDSLAG["aangifte"]), "grond": GROND.get(ground, GROND["aangifte"]),
            "getuige": ground == "getuige-aangever",
            "m55_datum": _event_date(app), "m55_ontvangen": dutch_date(received),
            "sepot_datum": _event_date(case.sepot), "parketnummer": _parketnummer(case) if case.sepot else "",
            "eu": is_eu(case.person.get("nationaliteit", "")), "herleefd": revived,
            "beklag_datum": _event_date(beklag) if beklag else "",
            "beklag_kenmerk": (beklag.fields.get("kenmerk") or "") if beklag else ""}


def _voornemen(letter, trigger, case, finals):
    begin, end = _permit(case)
    return {**_to_person_or_lawyer(case, prefer_lawyer=False), "sepot_datum": _event_date(trigger),
            "parketnummer": trigger.fields.get("parketnummer") or _parketnummer(case),
            "ingangsdatum": dutch_date(begin) if begin else "", "einddatum": dutch_date(end) if end else "",
            "getuige": case.ground == "getuige-aangever", "eu": is_eu(case.person.get("nationaliteit", "")),
            "grondslag": GRONDSLAG.get(case.ground or "aangifte", GRONDSLAG["aangifte"])}


def _uitstel(letter, trigger, case, finals):
    decision = next(u for u in case.uitstel if u.event.id == trigger.id)
    return {**_requester(case, trigger), "verzoek_datum": _event_date(trigger),
            "weken": in_words(decision.asked_weeks) if decision.asked_weeks else "",
            "toegekend_weken": in_words(decision.granted_weeks), "uitkomst": decision.outcome,
            "redenen": list(decision.reasons), "reden_afwijzing": decision.why,
            "oude_einddatum": dutch_date(decision.term_before) if decision.term_before else "",
            "voornemen_elders": case.voornemen_elsewhere,
            "nieuwe_einddatum": dutch_date(decision.term_after) if decision.term_after else ""}


def _requester(case: Case, event: Event) -> dict:
    f = event.fields
    if f.get("gemachtigde_naam") or case.gemachtigde:
        g = {"naam": f["gemachtigde_naam"], "kantoor": f.get("gemachtigde_kantoor", ""),
             "adres": f.get("gemachtigde_adres", ""), "email": f.get("afzender_adres", "")} \
            if f.get("gemachtigde_naam") else case.gemachtigde
        return {"geadresseerde": _gemachtigde_lines(g), "aanhef": _lawyer_aanhef(g), "afschrift": [_eenheid(case)]}
    name = f.get("afzender") or case.person.get("naam") or UNKNOWN_NAME
    lines = [name] + ([f"per e-mail: {f['afzender_adres']}"] if f.get("afzender_adres") else [])
    return {"geadresseerde": lines, "aanhef": _person_aanhef(case), "afschrift": [_eenheid(case)]}


VV_GROUNDS = {"paspoort", "represailles", "terugkeer", "vervolging"}  # what an application for voortgezet verblijf weighs


def _intrekking(letter, trigger, case, finals):
    term = case.term_end
    lawyer = (case.gemachtigde or {}).get("naam")
    zienswijzen = [{"datum": _event_date(z), "laat": bool(term and (z.received_day or z.day) > term),
                    "afzender": _other_than_her(case, z.fields.get("afzender", "")),
                    "u": bool(lawyer) and lawyer in (z.fields.get("gemachtigde_naam"), z.fields.get("afzender"))}
                   for z in case.zienswijzen]
    motivering, open_punten, raised = [], [], set()
    for z in case.zienswijzen:
        for item in z.fields.get("argumenten", []):
            raised.add(item.get("key"))
            if item["titel"] not in [m["titel"] for m in motivering]:
                motivering.append({"titel": item["titel"], "tekst": item["tekst"]})
        for point in z.fields.get("open_punten", []):
            if point not in open_punten:
                open_punten.append(point)
    begin, end = _permit(case)
    granted = finals.get(f"beschikking-verlening:{case.application.id}") if case.application else None
    if case.grant_decision is not None:
        granted = case.grant_decision.day
    beklag = next((e for e in reversed(case.events) if e.kind == "beklag"
                   and (e.fields.get("soort") or "ingesteld") == "ingesteld" and case.sepot and e.day >= case.sepot.day),
                  None)
    uitstel = [_uitstel_item(case, u) for u in case.uitstel if u.granted_weeks and u.term_after]
    ground = case.ground or "aangifte"
    return {**_to_person_or_lawyer(case, prefer_lawyer=True),
            "parketnummer": (case.sepot.fields.get("parketnummer") if case.sepot else None) or _parketnummer(case),
            "sepot_datum": _event_date(case.sepot), "uitreiking_datum": _event_date(trigger),
            "termijn_einde": dutch_date(term), "zienswijze": bool(zienswijzen), "zienswijzen": zienswijzen,
            "te_laat": any(z["laat"] for z in zienswijzen), "motivering": motivering, "open_punten": open_punten,
            "medisch": "trauma-medisch" in raised, "gezinsleven": "gezinsleven" in raised,
            "vv_status": case.vv_status, "vv_datum": _event_date(case.vv) if case.vv else "",
            "vv_besluit_datum": _event_date(case.vv_decision) if case.vv_decision else "",
            "grondslag": GRONDSLAG.get(ground, GRONDSLAG["aangifte"]),
            "vergunning_datum": dutch_date(granted) if granted else "",
            "vergunning_kenmerk": (case.grant_decision.fields.get("kenmerk") or "") if case.grant_decision else "",
            "verlening_onbekend": _grant_unknown(case),
            "vergunning_van": dutch_date(begin) if begin and not _grant_unknown(case) else "",
            "vergunning_tot": dutch_date(end) if end and not _grant_unknown(case) else "",
            "beklag_datum": _event_date(beklag) if beklag else "", "uitstel": uitstel, "ingangsdatum": "",
            "termijn_einde_oorspronkelijk": dutch_date(next((u.term_before for u in case.uitstel
                                                             if u.granted_weeks and u.term_after), term)),
            "vv_vragen": not case.vv_status and bool(raised & VV_GROUNDS), "voornemen_elders": case.voornemen_elsewhere,
            "eu": is_eu(case.person.get("nationaliteit", "")),
            **_form_of_address(case)}


def _other_than_her(case: Case, sender: str) -> str:
    """Who wrote on her behalf; '' when she wrote herself ("heeft u een zienswijze ingediend")."""
    naam = " ".join(case.person.get("naam", "").lower().split())
    who = " ".join(sender.lower().split())
    return "" if who and naam and (who in naam or naam in who) else sender


def _form_of_address(case: Case) -> dict:
    """A decision goes to the gemachtigde when one has written, and speaks of betrokkene; to the person herself
    it speaks to her, as u (LETTERS.md: one form of address throughout)."""
    herself = case.gemachtigde is None
    return {"aan_persoon": herself, "wie": "u" if herself else "betrokkene", "Wie": "U" if herself else "Betrokkene"}


def _uitstel_item(case: Case, u) -> dict:
    """How the intrekking names one granted request: by its besluit, or, when the zienswijze or the end of
    the term overtook it before a besluit was sent, as decided here."""
    decided = case.final("besluit-uitstel", u.event)
    item = {"datum": _event_date(u.event), "tot": dutch_date(u.term_after), "zienswijze": "",
            "besluit": dutch_date(decided) if decided else ""}
    if decided:
        return item
    if not u.overtaken:
        return item | {"besluit": "[OPEN PUNT — datum van het besluit op het uitstelverzoek]"}
    asked = u.event.received_day or u.event.day
    later = next((z for z in case.zienswijzen if (z.received_day or z.day) >= asked), None)
    return item | {"zienswijze": _event_date(later) if later else ""}


def _kennisgeving(letter, trigger, case, finals):
    decision = letter.after
    partner = letter.name.rsplit("-", 1)[-1]
    besluit_datum = finals.get(f"{decision}:{trigger.id}")
    begin, end = _permit(case)
    revoke = decision == "beschikking-intrekking"
    ground = case.ground or "aangifte"
    out = {"besluit": "intrekking" if revoke else "verlening", "besluit_datum": dutch_date(besluit_datum),
           "ingangsdatum": dutch_date(besluit_datum if revoke else begin), "einddatum": dutch_date(end) if end else "",
           "een_dag": case.one_day, "ontvanger": partner, "parketnummer": "", "a_nummer": "", "verzoek": "",
           "afschrift": [], "grondslag": GRONDSLAG.get(ground, GRONDSLAG["aangifte"])}
    if partner == "politie":
        out.update(geadresseerde=[_eenheid(case), "t.a.v. de afdeling AVIM"],
                   verzoek="Bijgaand ontvangt u de beschikking, met het verzoek deze aan betrokkene uit te reiken en mij de datum van uitreiking te melden.")
    elif partner == "om":
        parket = _parket(case)
        out.update(geadresseerde=[parket, "t.a.v. de officier van justitie mensenhandel"],
                   parketnummer=_parketnummer(case) if case.sepot else "")
    else:
        gemeente = case.gemeente or "[gemeente van inschrijving]"
        out.update(geadresseerde=[f"College van burgemeester en wethouders van {gemeente}",
                                  "t.a.v. Burgerzaken, basisregistratie personen"],
                   a_nummer=case.a_nummer, verzoek="Ik verzoek u de basisregistratie personen hierop aan te passen.")
    out["aanhef"] = "Geachte heer, mevrouw,"
    return out


def _afzien(letter, trigger, case, finals):
    """The voornemen is withdrawn: a gegrond beklag revived the right to the permit before any revocation."""
    begin, end = _permit(case)
    addressed = _to_person_or_lawyer(case, prefer_lawyer=True)
    addressed["afschrift"] = [*addressed["afschrift"], _parket(case)]  # the OM whose sepot the hof overturned
    return {**addressed, "beklag_datum": _event_date(trigger), "aan_persoon": _form_of_address(case)["aan_persoon"],
            "beklag_kenmerk": trigger.fields.get("kenmerk", ""), "parketnummer": _parketnummer(case),
            "uitreiking_datum": _event_date(case.uitreiking), "sepot_datum": _event_date(case.sepot),
            "vergunning_tot": dutch_date(end) if end and not _grant_unknown(case) else "",
            "verlening_onbekend": _grant_unknown(case)}


def _grant_unknown(case: Case) -> bool:
    """Granted outside docgen and not recorded: its date and validity are the behandelaar's to fill in."""
    return case.granted_elsewhere and case.grant_decision is None


def _parket(case: Case) -> str:
    parket = (case.sepot.fields.get("afzender") if case.sepot else "") or "Openbaar Ministerie"
    if "parket" not in parket.lower() and "openbaar ministerie" not in parket.lower():
        parket = "Openbaar Ministerie"
    return parket


_BUILDERS = {"bevestiging-bedenktijd": _bedenktijd, "beschikking-verlening": _verlening,
             "voornemen-intrekking": _voornemen, "besluit-uitstel": _uitstel,
             "beschikking-intrekking": _intrekking, "kennisgeving": _kennisgeving, "afzien-intrekking": _afzien}
