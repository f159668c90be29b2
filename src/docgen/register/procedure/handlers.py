"""One small handler per event kind: (case so far, event) → the case after it. Pure.

Each handler says what the event changes in the procedure the way B8/3 Vc and the pilot (seed 001)
run it; what a machine must not decide goes into `attention`, what does not add up into `oddities`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from docgen.dates import add_months, dutch_date
from docgen.letters.numbers import in_words
from docgen.model import Case, Event, State, Uitstel
from docgen.register.calendar import extend_term
from docgen.register.policy import Policy

FINAL_REVOCATION = "beschikking-intrekking"
GRANT = "beschikking-verlening"
VOORNEMEN = "voornemen-intrekking"


@dataclass(frozen=True)
class Context:
    policy: Policy
    finals: dict  # slot → datetime the letter became final
    now: dt.datetime


Handler = Callable[[Case, Event, Context], Case]


def _add(case: Case, field: str, text: str) -> Case:
    return replace(case, **{field: getattr(case, field) + (text,)})


def _person(case: Case, event: Event) -> Case:
    """The person's particulars as the latest message gives them; a differing name is odd."""
    person = dict(case.person)
    for key in ("naam", "geboortedatum", "nationaliteit"):
        value = event.fields.get(key)
        if not value:
            continue
        if key in person and person[key] != value and key != "nationaliteit":
            case = _add(case, "oddities", f"{event.kind} van {dutch_date(event.day)} noemt {key} "
                                          f"‘{value}’, eerder ‘{person[key]}’")
        person.setdefault(key, value)
    return replace(case, person=person)


def _gemachtigde(case: Case, event: Event) -> Case:
    """The lawyer who wrote: name, office and address from the signature; at least name and e-mail address
    when the sender is recognisably a lawyer (mr. ..., an advocatenkantoor's domain)."""
    f = event.fields
    if f.get("gemachtigde_naam"):
        found = {"naam": f["gemachtigde_naam"], "kantoor": f.get("gemachtigde_kantoor", ""),
                 "adres": f.get("gemachtigde_adres", ""), "email": f.get("afzender_adres", "")}
        return replace(case, gemachtigde=found)
    name, address = f.get("afzender", ""), f.get("afzender_adres", "")
    if name.lower().startswith("mr") or "advoca" in address.lower():
        if case.gemachtigde and case.gemachtigde.get("email") == address:
            return case  # keep what an earlier signature gave
        return replace(case, gemachtigde={"naam": name, "kantoor": "", "adres": "", "email": address})
    return case


def _end_bedenktijd(case: Case, day: dt.date, why: str) -> Case:
    if case.bedenktijd is None or case.bedenktijd_ended is not None:
        return case
    if case.bedenktijd_end and day > case.bedenktijd_end:
        return case  # it had run out already
    return replace(case, bedenktijd_ended=(day, why))


def on_m55(case: Case, event: Event, ctx: Context) -> Case:
    f = event.fields
    case = _person(case, event)
    unit = f.get("eenheid") or ""  # the unit the M55 names; else the sender's name only when it is a unit
    sender = f.get("afzender", "")
    if not unit and any(w in sender.lower() for w in ("politie", "avim", "marechaussee", "kmar")):
        unit = sender
    if unit and "@" not in unit:
        case = replace(case, eenheid=unit)
    soort = f.get("soort") or "aangifte"
    if soort == "bedenktijd":
        if case.bedenktijd is not None:
            return _add(case, "oddities", f"tweede M55 bedenktijd ({dutch_date(event.day)}): de bedenktijd is "
                                          "eenmalig en wordt niet verlengd (B8/3.1)")
        if _flag(f, "getuige_aangever"):
            case = _add(case, "attention", "de bedenktijd staat niet open voor getuige-aangevers (B8/3.1)")
        if _flag(f, "bewaring") and not _flag(f, "toestemming"):
            case = _add(case, "attention", "bedenktijd in vreemdelingenbewaring alleen als OM en politie "
                                           "ermee akkoord gaan (B8/3.1); hun instemming blijkt niet uit de M55")
        end = add_months(event.day, ctx.policy.terms.bedenktijd_months) - dt.timedelta(days=1)
        case = replace(case, bedenktijd=event, bedenktijd_end=end)
        return replace(case, state=State.BEDENKTIJD) if case.state == State.ONBEKEND else case
    case = _end_bedenktijd(case, event.day, "aangifte of medewerking (M55)")
    if _flag(f, "asiel"):
        case = _add(case, "attention", "M55 tijdens de asielprocedure: betrokkene wacht de beslissing op de "
                                       "asielaanvraag af; de M55 geldt dan niet als aanvraag (B8/3.1)")
        return replace(case, state=State.GEEN_AANVRAAG) if case.application is None else case
    if case.application is not None and case.revived is None:
        return _add(case, "oddities", f"nog een M55 {soort} van {dutch_date(event.day)}: de aanvraag van "
                                      f"{dutch_date(case.application.day)} geldt")
    ground = "getuige-aangever" if _flag(f, "getuige_aangever") else soort
    one_day = case.sepot is not None and case.revived is None and _undecided_at_sepot(event, case.sepot, ctx)
    state = State.VERGUNNING_EEN_DAG if one_day else State.AANVRAAG
    if (ctx.finals.get(f"{GRANT}:{event.id}") or case.grant_decision) and not one_day:
        state = State.VERGUNNING
    return replace(case, application=event, ground=ground, one_day=one_day, state=state)


def _undecided_at_sepot(application: Event, sepot: Event, ctx: Context) -> bool:
    """Seed 001 fn 14: a permit not yet decided when the sepot became known is granted for one day only;
    decided means its beschikking became final in docgen before the sepot mail came in."""
    final = ctx.finals.get(f"{GRANT}:{application.id}")
    return final is None or final > (sepot.received or _noon(sepot.day))


def on_sepot(case: Case, event: Event, ctx: Context) -> Case:
    case = _person(case, event)
    if case.application is None and case.state in (State.ONBEKEND, State.BEDENKTIJD):
        case = _add(case, "oddities", "de zaak begint met een sepot: er staat geen M55 aangifte of medewerking "
                                      "van dit V-nummer in het register")
    if case.sepot and case.sepot.fields.get("parketnummer") != event.fields.get("parketnummer"):
        case = _add(case, "oddities", f"een tweede sepot ({event.fields.get('parketnummer') or 'zonder parketnummer'}) "
                                      f"na {case.sepot.fields.get('parketnummer') or 'een eerder sepot'}")
    case = replace(case, sepot_doubt=None, sepot=event, uitreiking=None, term_end=None, term_basis="", uitstel=(),
                   zienswijzen=(), revived=None, beklag="")
    if case.application is not None:
        if _undecided_at_sepot(case.application, event, ctx) and case.grant_decision is None:
            return replace(case, one_day=True, state=State.VERGUNNING_EEN_DAG)
    voornemen_final = ctx.finals.get(f"{VOORNEMEN}:{event.id}")
    return replace(case, state=State.VOORNEMEN if voornemen_final else State.SEPOT)


def on_uitreiking(case: Case, event: Event, ctx: Context) -> Case:
    if case.sepot is None:
        return _add(case, "oddities", f"uitreiking van {dutch_date(event.day)} zonder sepot in het register")
    if case.one_day:
        if case.application is not None and ctx.finals.get(f"{GRANT}:{case.application.id}"):
            return _add(case, "oddities", f"uitreiking van {dutch_date(event.day)}, terwijl de vergunning voor één dag "
                                          "gold en geen intrekking volgt")
        # The police handed out a voornemen: the permit was granted, and the voornemen sent, outside docgen.
        case = _add(case, "attention", f"op {dutch_date(event.day)} is een voornemen tot intrekking uitgereikt dat niet "
                                       "in docgen is gemaakt: de vergunning is dus al eerder verleend; zoek datum en "
                                       "kenmerk van die beschikking op in het zaaksysteem en leg ze vast "
                                       f"(docgen decide {case.v_nummer} verlening verleend --date ... --kenmerk ...)")
        case = replace(case, one_day=False, granted_elsewhere=True)
    if event.day < case.sepot.day:
        case = _add(case, "oddities", f"uitreiking van {dutch_date(event.day)} is gedateerd vóór het sepot van "
                                      f"{dutch_date(case.sepot.day)}")
    days = ctx.policy.terms.zienswijze_days
    end = extend_term(event.day, event.day + dt.timedelta(days=days))
    basis = f"uitreiking {dutch_date(event.day)} + {days} dagen"
    if end != event.day + dt.timedelta(days=days):
        basis += f", verlengd tot {dutch_date(end)} (Algemene termijnenwet)"
    return replace(case, uitreiking=event, term_end=end,
                   term_basis=basis, uitstel=(),
                   state=State.ZIENSWIJZETERMIJN if case.state not in (State.BEZWAAR, State.BEROEP) else case.state)


def on_uitstelverzoek(case: Case, event: Event, ctx: Context) -> Case:
    case = _gemachtigde(case, event)
    asked = _int(event.fields.get("weken"))
    reasons = tuple(r for r in event.fields.get("redenen", []) or [] if isinstance(r, str))
    decision = decide_uitstel(ctx.policy, event, asked, reasons, case.uitreiking, case.term_end)
    case = replace(case, uitstel=case.uitstel + (decision,))
    if decision.granted_weeks and decision.term_after:
        basis = (f"{case.term_basis}; + {decision.granted_weeks} weken uitstel (verzoek van {dutch_date(event.day)})"
                 f" tot en met {dutch_date(decision.term_after)}")
        case = replace(case, term_end=decision.term_after, term_basis=basis)
    return case


def decide_uitstel(policy: Policy, event: Event, asked: int, reasons: tuple[str, ...], uitreiking: Event | None,
                   term_end: dt.date | None) -> Uitstel:
    """Grant, partly grant or refuse, with the reasons weighed as the unit's policy says."""
    rules = policy.uitstel
    day = event.received_day or event.day
    named = tuple(rules.redenen[r] for r in reasons if r in rules.redenen)  # in the letter's words
    if uitreiking is None or term_end is None:
        return Uitstel(event, asked, 0, "afgewezen", named,
                       "Er loopt nog geen termijn voor een zienswijze: het voornemen is nog niet uitgereikt.",
                       term_end, term_end)
    if day > term_end:
        return Uitstel(event, asked, 0, "afgewezen", named,
                       f"Uw verzoek is ontvangen op {dutch_date(day)}, toen de termijn op {dutch_date(term_end)} al "
                       "was verstreken. Ik heb nog niet beslist: een zienswijze die ik vóór mijn beslissing ontvang, "
                       "betrek ik daarbij.", term_end, None)
    accepted = list(named)
    cap = rules.met_reden_weken if accepted else rules.zonder_reden_weken
    wanted = asked or rules.zonder_reden_weken
    granted = min(wanted, cap)
    # The term is extended from the day it now ends (as the letter says it did): the generous reading.
    after = extend_term(uitreiking.day, term_end + dt.timedelta(weeks=granted))
    if granted == wanted:
        return Uitstel(event, asked, granted, "toegekend", tuple(accepted), "", term_end, after)
    weeks = in_words(granted)
    why = (f"Gelet op wat u aanvoert, acht ik een verlenging met {weeks} weken redelijk; voor een langere verlenging "
           "zie ik geen aanleiding." if accepted else
           f"Uw verzoek noemt geen reden die een verlenging met meer dan {weeks} weken rechtvaardigt.")
    return Uitstel(event, asked, granted, "gedeeltelijk toegekend", tuple(accepted), why, term_end, after)


def on_zienswijze(case: Case, event: Event, ctx: Context) -> Case:
    case = _gemachtigde(_person(case, event), event)
    if case.sepot is None:
        case = _add(case, "oddities", f"zienswijze van {dutch_date(event.day)} zonder sepot in het register")
    case = replace(case, zienswijzen=case.zienswijzen + (event,), uitstel=_overtaken(
        case.uitstel, f"de zienswijze van {dutch_date(event.day)} is daarna ontvangen"))
    announced = event.fields.get("voortgezet_verblijf")
    if announced and case.vv is None:
        case = replace(case, vv=event, vv_status="aangekondigd" if announced != "ingediend" else "ingediend")
    return case


def _overtaken(requests: tuple[Uitstel, ...], why: str) -> tuple[Uitstel, ...]:
    """Once the zienswijze is in (or the term has run out), a besluit on the time asked for tells nobody
    anything: the beschikking intrekking names the request instead. A besluit already sent stays."""
    return tuple(u if u.overtaken else replace(u, overtaken=why) for u in requests)


def on_beklag(case: Case, event: Event, ctx: Context) -> Case:
    soort = event.fields.get("soort") or "ingesteld"
    if soort == "ingesteld":
        return replace(case, beklag="ingesteld")
    if case.beklag != "ingesteld":
        case = _add(case, "oddities", f"beklag {soort} verklaard zonder ingesteld beklag in het register")
    if soort == "gegrond":
        # The right to the permit revives (seed 004); the pending revocation is moot.
        return replace(case, beklag="gegrond", revived=event, state=State.VERVOLGING_HEROPEND)
    return replace(case, beklag="ongegrond")


def on_voortgezet_verblijf(case: Case, event: Event, ctx: Context) -> Case:
    case = _end_bedenktijd(_gemachtigde(_person(case, event), event), event.day, "een andere aanvraag")
    status = "aangekondigd" if event.fields.get("voortgezet_verblijf") == "aangekondigd" else "ingediend"
    if case.vv is not None and case.vv_status == "ingediend" and status == "aangekondigd":
        return case
    return replace(case, vv=event, vv_status=status)


def on_besluit_verlening(case: Case, event: Event, ctx: Context) -> Case:
    """A grant the unit made outside docgen (before docgen, or by hand), recorded by a behandelaar: docgen
    drafts no second grant, and the voornemen and intrekking rest on this one."""
    if case.application is None:
        case = _add(case, "oddities", "beschikking tot verlening vastgelegd zonder M55-aanvraag in het register")
    if case.sepot is not None and case.sepot.day <= event.day:
        case = _add(case, "attention", f"de vergunning is op {dutch_date(event.day)} verleend, na het sepot van "
                                       f"{dutch_date(case.sepot.day)}: beoordeel of een vergunning voor één dag "
                                       "bedoeld was (evaluatie pilot, voetnoot 14)")
    state = case.state
    if state in (State.AANVRAAG, State.VERGUNNING_EEN_DAG):
        state = State.SEPOT if case.sepot is not None else State.VERGUNNING
    return replace(case, granted_elsewhere=True, grant_decision=event, one_day=False, state=state)


def on_besluit_vv(case: Case, event: Event, ctx: Context) -> Case:
    if case.vv is None:
        case = _add(case, "oddities", "beslissing op voortgezet verblijf zonder aanvraag in het register")
    return replace(case, vv_decision=event, vv_status="besloten")


def on_bezwaar(case: Case, event: Event, ctx: Context) -> Case:
    return replace(_gemachtigde(case, event), bezwaar=event, state=State.BEZWAAR)


def on_besluit_bezwaar(case: Case, event: Event, ctx: Context) -> Case:
    if case.bezwaar is None:
        case = _add(case, "oddities", "beslissing op bezwaar zonder bezwaarschrift in het register")
    return replace(case, state=State.INGETROKKEN if case.state == State.BEZWAAR else case.state)


def on_beroep(case: Case, event: Event, ctx: Context) -> Case:
    return replace(case, beroep=event, state=State.BEROEP)


def on_vertrek(case: Case, event: Event, ctx: Context) -> Case:
    case = _end_bedenktijd(case, event.day, "vertrek met onbekende bestemming")
    case = _add(case, "attention", f"betrokkene is op {dutch_date(event.day)} met onbekende bestemming vertrokken: "
                                   "beoordeel de gevolgen voor het verblijf")
    return replace(case, vertrek=event, state=State.VERTROKKEN if case.state != State.BEDENKTIJD
                   else State.BEDENKTIJD_GEEINDIGD)


def on_afzien(case: Case, event: Event, ctx: Context) -> Case:
    case = _end_bedenktijd(case, event.day, "betrokkene ziet af van aangifte of medewerking")
    if case.application is not None:
        case = _add(case, "attention", f"betrokkene ziet op {dutch_date(event.day)} af van aangifte of medewerking: "
                                       "beoordeel de gevolgen voor de vergunning")
    if case.state == State.BEDENKTIJD:
        case = replace(case, state=State.BEDENKTIJD_GEEINDIGD)
    return case


def on_inschrijving(case: Case, event: Event, ctx: Context) -> Case:
    f = event.fields
    return replace(case, a_nummer=f.get("a_nummer") or case.a_nummer, gemeente=f.get("gemeente") or case.gemeente)


def on_stand_van_zaken(case: Case, event: Event, ctx: Context) -> Case:
    """A question or answer about the state of the case. When the OM itself writes after the sepot that there
    is no sepot (yet), no voornemen or intrekking rests on that sepot until someone confirms it."""
    if not _flag(event.fields, "sepot_ontkend") or case.sepot is None or event.day < case.sepot.day:
        return case
    return replace(case, sepot_doubt=event)


def on_sepot_bevestigd(case: Case, event: Event, ctx: Context) -> Case:
    return replace(case, sepot_doubt=None)


def sepot_doubt_note(case: Case) -> tuple[str, ...]:
    """What the case page says while the OM's word against its own sepot stands."""
    if case.sepot_doubt is None or case.sepot is None:
        return ()
    return (f"het OM schreef op {dutch_date(case.sepot_doubt.day)} dat er (nog) geen sepot is, terwijl de zaak een "
            f"sepot van {dutch_date(case.sepot.day)} heeft: vraag het OM of het sepot staat en leg het vast (docgen "
            f"decide {case.v_nummer} sepot bevestigd --date ...); tot dan geen voornemen of intrekking",)


def on_nothing(case: Case, event: Event, ctx: Context) -> Case:
    """On the timeline only: the dossier went to the OM, a question about the state of the case."""
    return case


HANDLERS: dict[str, Handler] = {
    "m55": on_m55, "sepot": on_sepot, "uitreiking": on_uitreiking, "uitstelverzoek": on_uitstelverzoek,
    "zienswijze": on_zienswijze, "beklag": on_beklag, "voortgezet_verblijf": on_voortgezet_verblijf,
    "besluit_verlening": on_besluit_verlening, "besluit_vv": on_besluit_vv, "bezwaar": on_bezwaar, "besluit_bezwaar": on_besluit_bezwaar, "beroep": on_beroep, "vertrek": on_vertrek,
    "afzien_aangifte": on_afzien, "inschrijving_gemeente": on_inschrijving, "dossier_om": on_nothing,
    "stand_van_zaken": on_stand_van_zaken, "sepot_bevestigd": on_sepot_bevestigd,
}


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _flag(fields: dict, name: str) -> bool:
    value = fields.get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "ja", "1"))


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
