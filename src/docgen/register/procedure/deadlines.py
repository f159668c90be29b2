"""After the fold: what time and final letters change (the term has ended, a letter became final),
why the beschikking intrekking waits, and the case's deadlines. A step is done when its letter is final
or its event happened; only what is not done can be overdue. The intrekking gets no invented deadline:
the case shows the time elapsed since the term ended against the pilot's figure instead."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from docgen.dates import add_months, dutch_date
from docgen.model import Case, Deadline, State
from docgen.register.calendar import add_working_days, working_days_between
from docgen.register.procedure.handlers import FINAL_REVOCATION, GRANT, VOORNEMEN, Context

GEMEENTE = "kennisgeving-intrekking-gemeente"
UITSTEL = "besluit-uitstel"
BEFORE_DECISION = (State.SEPOT, State.VOORNEMEN, State.ZIENSWIJZETERMIJN, State.BESLUIT, State.WACHT_VV)


def settle(case: Case, ctx: Context, triage_waits: tuple[str, ...], undated: list[str]) -> Case:
    today = ctx.now.date()
    revoked = case.final(FINAL_REVOCATION, case.uitreiking)
    if case.state == State.AANVRAAG and case.final(GRANT, case.application):
        case = replace(case, state=State.VERGUNNING)
    if case.state == State.SEPOT and case.final(VOORNEMEN, case.sepot):
        case = replace(case, state=State.VOORNEMEN)
    if revoked and case.state in BEFORE_DECISION:
        return replace(case, state=State.INGETROKKEN)
    if revoked or case.revived or case.one_day or case.uitreiking is None:
        return case
    passed = case.term_end is not None and today > case.term_end
    case = replace(case, uitstel=tuple(
        replace(u, overtaken=f"de verlengde termijn is op {dutch_date(u.term_after)} verstreken")
        if not u.overtaken and u.granted_weeks and u.term_after and today > u.term_after else u for u in case.uitstel))
    if case.state == State.ZIENSWIJZETERMIJN and (passed or case.vv_status == "besloten"):
        case = replace(case, state=State.BESLUIT)
    waits: list[str] = []
    if ctx.policy.wait_for_voortgezet_verblijf and case.vv is not None and case.vv_status in ("aangekondigd", "ingediend"):
        how = "aangekondigd" if case.vv_status == "aangekondigd" else "ingediend"
        waits.append(f"wacht op voortgezet verblijf: de aanvraag is {how} op {dutch_date(case.vv.day)}; de "
                     "vergunning wordt ingetrokken bij de beslissing op die aanvraag (seed 001, voetnoot 27)")
    if ctx.policy.wait_for_triage:
        waits.extend(f"wacht op triage: {w}" for w in triage_waits)
    waits.extend(f"wacht op een datum: {u}" for u in undated)
    if case.sepot_doubt is not None:
        waits.append(f"wacht op het OM: het schreef op {dutch_date(case.sepot_doubt.day)} dat er (nog) geen sepot is")
    waits.extend(f"wacht op het besluit op het uitstelverzoek van {dutch_date(u.event.day)}: de intrekking kan pas "
                 "worden voorbereid als dat besluit definitief is" for u in case.uitstel
                 if not u.overtaken and not case.final(UITSTEL, u.event))
    if waits and case.state == State.BESLUIT and any(w.startswith("wacht op voortgezet") for w in waits):
        case = replace(case, state=State.WACHT_VV)
    elapsed = ""
    if passed and case.state in (State.BESLUIT, State.WACHT_VV):
        days = working_days_between(case.term_end, today)
        figure = ctx.policy.pilot.get("intrekking_zonder_vv" if case.vv is None else "indiening_vv", "")
        elapsed = (f"{days} werkdag{'en' if days != 1 else ''} sinds het einde van de zienswijzetermijn op "
                   f"{dutch_date(case.term_end)}" + (f"; pilot: {figure}" if figure else ""))
    return replace(case, waits=tuple(waits), elapsed=elapsed)


def deadlines(case: Case, ctx: Context) -> tuple[Deadline, ...]:
    t = ctx.policy.terms
    out: list[Deadline] = []
    revoked = case.final(FINAL_REVOCATION, case.uitreiking)
    if case.bedenktijd is not None:
        ended = case.bedenktijd_ended
        basis = f"start {dutch_date(case.bedenktijd.day)} + {t.bedenktijd_months} maanden"
        if ended:
            basis += f"; beëindigd op {dutch_date(ended[0])}: {ended[1]}"
        out.append(Deadline("bedenktijd", "Einde bedenktijd", case.bedenktijd_end, "termijn", basis,
                            closed=ended is not None))
    app = case.application
    if app is not None:
        received = app.received or dt.datetime.combine(app.day, dt.time(12), tzinfo=dt.UTC)
        due_at = received + dt.timedelta(hours=t.grant_hours)
        done = case.final(GRANT, app)
        out.append(Deadline("verlening", "Beschikking verlening", due_at.date(), "streef",
                            f"M55 ontvangen {dutch_date(received)}: beslissen binnen {t.grant_hours} uur"
                            + ("; buiten docgen verleend" if case.granted_elsewhere and not done else ""),
                            done_on=done.date() if done else None, due_at=due_at, done_at=done,
                            closed=case.granted_elsewhere))
        start = app.received_day or app.day
        until = start if case.one_day else add_months(start, t.permit_months) - dt.timedelta(days=1)
        out.append(Deadline("vergunning", "Vergunning geldig tot en met", until, "termijn",
                            "vergunning voor één dag: het sepot was bekend bij de beslissing" if case.one_day else
                            f"vanaf de M55 van {dutch_date(start)}, ten hoogste {t.permit_months} maanden",
                            closed=bool(revoked)))
    if case.sepot is not None and not case.one_day:
        received = case.sepot.received_day or case.sepot.day
        done = case.final(VOORNEMEN, case.sepot)
        out.append(Deadline("voornemen", "Voornemen tot intrekking", add_working_days(received, t.voornemen_working_days),
                            "streef", f"sepot ontvangen {dutch_date(received)}: voornemen binnen "
                            f"{t.voornemen_working_days} werkdag", done_on=done.date() if done else None,
                            closed=case.revived is not None or case.uitreiking is not None))
    if case.term_end is not None and not case.one_day:
        out.append(Deadline("zienswijze", "Einde zienswijzetermijn", case.term_end, "termijn", case.term_basis,
                            closed=case.revived is not None))
        for request in case.uitstel:
            if request.term_before is None:
                continue
            done = case.final(UITSTEL, request.event)
            out.append(Deadline(f"uitstel-{request.event.id}", "Besluit op uitstelverzoek", request.term_before,
                                "streef", f"verzoek van {dutch_date(request.event.day)}: beslissen vóór het einde "
                                "van de termijn", done_on=done.date() if done else None,
                                closed=bool(request.overtaken) and not done))
    if revoked:
        due_at = revoked + dt.timedelta(hours=t.melding_gemeente_hours)
        done = case.final(GEMEENTE, case.uitreiking)
        out.append(Deadline("melding-gemeente", "Kennisgeving aan de gemeente", due_at.date(), "streef",
                            f"beschikking intrekking definitief {dutch_date(revoked)}: gemeente binnen "
                            f"{t.melding_gemeente_hours} uur", done_on=done.date() if done else None, due_at=due_at,
                            done_at=done))
    if case.vv is not None and case.vv_status in ("ingediend", "besloten") and case.vv.kind == "voortgezet_verblijf":
        received = case.vv.received_day or case.vv.day
        decided = case.vv_decision.day if case.vv_decision else None
        out.append(Deadline("voortgezet-verblijf", "Beslissing voortgezet verblijf",
                            add_working_days(received, t.voortgezet_verblijf_working_days), "streef",
                            f"aanvraag ontvangen {dutch_date(received)}: beslissen binnen "
                            f"{t.voortgezet_verblijf_working_days} werkdagen", done_on=decided))
    if case.bezwaar is not None:
        received = case.bezwaar.received_day or case.bezwaar.day
        decided = next((e.day for e in case.events if e.kind == "besluit_bezwaar" and e.day >= case.bezwaar.day), None)
        out.append(Deadline("bezwaar", "Beslissing op bezwaar", add_working_days(received, t.bezwaar_working_days),
                            "streef", f"bezwaarschrift ontvangen {dutch_date(received)}: beslissen binnen "
                            f"{t.bezwaar_working_days} werkdagen", done_on=decided))
    return tuple(sorted(out, key=lambda d: d.due))

