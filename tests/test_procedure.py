"""A case's state, deadlines and waits follow from its events, whatever order or how often they arrive,
the way B8/3 Vc and the pilot (seed 001) run the procedure."""

from __future__ import annotations

import datetime as dt
import random

from docgen.clock import Clock
from docgen.drafter import lapse_reasons
from docgen.letters.plan import plan
from docgen.model import Event, State
from docgen.register.policy import Policy
from docgen.register.procedure import assess

D = dt.date
V = "5878505886"
UTC = dt.UTC


def ev(id_, kind, date, received=None, **fields):
    day = D.fromisoformat(date) if date else None
    arrived = dt.datetime.fromisoformat(received) if received else (
        dt.datetime.combine(day, dt.time(10), tzinfo=UTC) if day else None)
    return Event(id_, V, kind, day, arrived, id_, fields)


def at(day: str) -> dt.datetime:
    return Clock.on(D.fromisoformat(day)).now()


GRANTED = {"beschikking-verlening:1": dt.datetime(2026, 2, 23, 9, tzinfo=UTC)}
STORY = [
    ev(1, "m55", "2026-02-22", soort="aangifte", naam="Ama Boateng", geboortedatum="1994-05-01"),
    ev(2, "sepot", "2026-03-06", parketnummer="13/690786-24"),
    ev(3, "uitreiking", "2026-03-20"),
    ev(4, "uitstelverzoek", "2026-03-25", weken="2"),
    ev(5, "zienswijze", "2026-04-10"),
]


def _deadline(case, name):
    return next(d for d in case.deadlines if d.name == name)


def _needed(case):
    return sorted(need.letter.name for need in plan(case))


def test_the_zienswijze_term_is_extended_by_uitstel_and_by_the_law():
    case = assess(V, STORY, GRANTED, at("2026-04-01"))
    # 20 March + 2 weeks = 3 April (Goede Vrijdag; 6 April tweede Paasdag → 7 April); + 2 weeks uitstel = 21 April.
    assert _deadline(case, "zienswijze").due == D(2026, 4, 21)
    assert "2 weken uitstel" in _deadline(case, "zienswijze").basis


def test_events_arriving_in_any_order_give_the_same_case():
    expected = assess(V, STORY, GRANTED, at("2026-05-01"))
    for seed in range(10):
        shuffled = STORY[:]
        random.Random(seed).shuffle(shuffled)
        case = assess(V, shuffled, GRANTED, at("2026-05-01"))
        assert (case.state, case.deadlines, case.oddities) == (expected.state, expected.deadlines, expected.oddities)


def test_a_message_received_twice_counts_once_and_is_reported():
    twice = STORY + [ev(9, "uitreiking", "2026-03-20")]
    case = assess(V, twice, GRANTED, at("2026-04-01"))
    assert _deadline(case, "zienswijze").due == D(2026, 4, 21)
    assert any("twee keer ontvangen" in odd for odd in case.oddities)


def test_a_case_first_seen_with_a_sepot_is_kept_and_called_odd():
    case = assess(V, [ev(2, "sepot", "2026-03-06")], {}, at("2026-03-06"))
    assert case.state == State.SEPOT
    assert any("geen M55" in odd for odd in case.oddities)
    assert _deadline(case, "voornemen").due == D(2026, 3, 9)
    assert _needed(case) == ["voornemen-intrekking"]


def test_an_uitstelverzoek_after_the_term_is_refused_and_does_not_extend_it():
    late = STORY[:3] + [ev(4, "uitstelverzoek", "2026-04-20", weken="4")]
    case = assess(V, late, GRANTED, at("2026-04-21"))
    assert _deadline(case, "zienswijze").due == D(2026, 4, 7)  # 3 April Goede Vrijdag → Tuesday 7 April
    assert case.uitstel[0].outcome == "afgewezen" and "al was verstreken" in case.uitstel[0].why
    assert "betrek ik daarbij" in case.uitstel[0].why  # refused, but a late zienswijze is still weighed
    assert case.state == State.BESLUIT


def test_a_long_uitstel_without_reasons_is_granted_in_part_and_with_reasons_up_to_the_policy():
    bare = STORY[:3] + [ev(4, "uitstelverzoek", "2026-03-25", weken="6")]
    reasoned = STORY[:3] + [ev(4, "uitstelverzoek", "2026-03-25", weken="6", redenen=["tolk", "medisch"])]
    policy = Policy(uitstel=Policy().uitstel.__class__(2, 4, {"tolk": "een tolk nodig is", "medisch": "medisch"}))
    without = assess(V, bare, GRANTED, at("2026-03-26"), policy).uitstel[0]
    with_reasons = assess(V, reasoned, GRANTED, at("2026-03-26"), policy).uitstel[0]
    assert (without.outcome, without.granted_weeks) == ("gedeeltelijk toegekend", 2)
    assert (with_reasons.outcome, with_reasons.granted_weeks) == ("gedeeltelijk toegekend", 4)
    assert with_reasons.reasons == ("een tolk nodig is", "medisch")
    assert with_reasons.term_after == D(2026, 5, 6)  # 7 April + 4 weeks = 5 May (bevrijdingsdag) → 6 May


def test_a_gegrond_beklag_revives_the_case_and_nothing_is_revoked():
    story = STORY[:3] + [ev(6, "beklag", "2026-03-25", soort="ingesteld"), ev(7, "beklag", "2026-09-07", soort="gegrond")]
    case = assess(V, story, GRANTED, at("2026-09-08"))
    assert case.state == State.VERVOLGING_HEROPEND
    assert "beschikking-intrekking" not in _needed(case)


def test_the_voornemen_deadline_is_met_only_when_the_voornemen_is_final():
    on_time = assess(V, STORY[:2], {**GRANTED, "voornemen-intrekking:2": dt.datetime(2026, 3, 9, 15, tzinfo=UTC)},
                     at("2026-03-10"))
    late = assess(V, STORY[:2], {**GRANTED, "voornemen-intrekking:2": dt.datetime(2026, 3, 12, 9, tzinfo=UTC)},
                  at("2026-03-12"))
    open_ = assess(V, STORY[:2], GRANTED, at("2026-03-12"))  # drafted perhaps, but not decided
    assert _deadline(on_time, "voornemen").status(at("2026-03-10")) == "op tijd"
    assert _deadline(late, "voornemen").status(at("2026-03-12")) == "te laat"
    assert _deadline(open_, "voornemen").status(at("2026-03-12")) == "verlopen"
    assert on_time.state == State.VOORNEMEN and open_.state == State.SEPOT


def test_after_the_term_the_beschikking_intrekking_is_needed_without_an_invented_deadline():
    case = assess(V, STORY[:3], GRANTED, at("2026-04-10"))
    assert case.state == State.BESLUIT
    assert "beschikking-intrekking" in _needed(case)
    assert not any(d.name.startswith("intrekking") for d in case.deadlines)
    assert "sinds het einde van de zienswijzetermijn op 7 april 2026" in case.elapsed and "10,6 weken" in case.elapsed


def test_a_zienswijze_in_triage_that_may_belong_to_the_case_makes_the_intrekking_wait():
    waits = ("bericht 12 (zienswijze, in triage) heeft dezelfde naam en geboortedatum als deze zaak",)
    case = assess(V, STORY[:3], GRANTED, at("2026-04-10"), triage_waits=waits)
    assert "beschikking-intrekking" not in _needed(case)
    assert case.waits[0].startswith("wacht op triage")
    off = Policy(wait_for_triage=False)
    assert "beschikking-intrekking" in _needed(assess(V, STORY[:3], GRANTED, at("2026-04-10"), off, waits))


def test_an_announced_voortgezet_verblijf_makes_the_intrekking_wait_until_the_decision_on_it():
    announced = STORY[:3] + [ev(5, "zienswijze", "2026-03-30", voortgezet_verblijf="aangekondigd")]
    case = assess(V, announced, GRANTED, at("2026-05-01"))
    assert case.state == State.WACHT_VV and "beschikking-intrekking" not in _needed(case)
    assert "beslissing op die aanvraag" in case.waits[0]
    decided = announced + [ev(8, "voortgezet_verblijf", "2026-04-15"), ev(9, "besluit_vv", "2026-06-01",
                                                                        uitkomst="afgewezen")]
    case = assess(V, decided, GRANTED, at("2026-06-02"))
    assert case.state == State.BESLUIT and "beschikking-intrekking" in _needed(case)
    assert _deadline(case, "voortgezet-verblijf").status(at("2026-06-02")) == "op tijd"


def test_a_sepot_known_before_the_grant_gives_a_one_day_permit_and_no_revocation():
    story = [ev(1, "m55", "2026-03-05", received="2026-03-05T10:00:00+01:00", soort="aangifte"),
             ev(2, "sepot", "2026-03-04", received="2026-03-06T16:00:00+01:00", parketnummer="13/690786-24")]
    case = assess(V, story, {}, at("2026-03-09"))  # the grant was not final when the sepot came in
    assert case.one_day and case.state == State.VERGUNNING_EEN_DAG
    assert _needed(case) == ["beschikking-verlening"]
    facts = next(n.facts for n in plan(case) if n.letter.name == "beschikking-verlening")
    assert facts["een_dag"] and facts["ingangsdatum"] == facts["einddatum"] == "5 maart 2026"
    granted = {"beschikking-verlening:1": dt.datetime(2026, 3, 6, 9, tzinfo=UTC)}  # final before the sepot came
    assert not assess(V, story, granted, at("2026-03-09")).one_day


def test_a_handed_out_voornemen_shows_the_permit_was_granted_outside_docgen():
    case = assess(V, STORY[:3], {}, at("2026-04-10"))  # no grant final in docgen, but the police handed out a voornemen
    assert not case.one_day and case.granted_elsewhere and case.state == State.BESLUIT
    assert "kenmerk van die beschikking" in case.attention[0]
    assert _needed(case) == ["beschikking-intrekking"]  # no second grant, no second voornemen


def test_a_grant_recorded_by_hand_is_the_one_the_voornemen_and_intrekking_rest_on():
    recorded = ev(9, "besluit_verlening", "2026-02-23", uitkomst="verleend", kenmerk="ZK-2026-001")
    case = assess(V, [*STORY[:2], recorded], {}, at("2026-03-07"))
    assert not case.one_day and case.granted_elsewhere and case.grant_decision.day == D(2026, 2, 23)
    assert _needed(case) == ["voornemen-intrekking"]  # no second grant, and the sepot gets its voornemen
    case = assess(V, [*STORY[:3], recorded], {}, at("2026-04-10"))
    facts = next(n.facts for n in plan(case) if n.letter.name == "beschikking-intrekking")
    assert facts["vergunning_datum"] == "23 februari 2026" and facts["vergunning_kenmerk"] == "ZK-2026-001"
    assert not facts["verlening_onbekend"]


def test_a_besluit_on_uitstel_is_drafted_while_the_time_asked_for_runs_and_named_in_the_intrekking_after():
    story = STORY[:4]
    running = assess(V, story, GRANTED, at("2026-03-26"))
    assert "besluit-uitstel" in _needed(running) and "beschikking-intrekking" not in _needed(running)
    # With its besluit sent, the intrekking after the extended term names it.
    decided = assess(V, story, {**GRANTED, "besluit-uitstel:4": dt.datetime(2026, 3, 26, 9, tzinfo=UTC)},
                     at("2026-05-01"))
    facts = next(n.facts for n in plan(decided) if n.letter.name == "beschikking-intrekking")
    assert facts["uitstel"] == [{"datum": "25 maart 2026", "tot": "21 april 2026", "besluit": "26 maart 2026",
                                 "zienswijze": ""}]
    assert facts["termijn_einde_oorspronkelijk"] == "7 april 2026"
    assert "besluit-uitstel" in _needed(decided)  # a final letter stays, never achterhaald


def test_a_zienswijze_after_the_request_overtakes_the_besluit_on_uitstel():
    """The lawyer asked for time and then sent the zienswijze: a besluit on the time asked for would tell
    nobody anything. The intrekking names the request and weighs the zienswijze; nothing waits for a besluit."""
    case = assess(V, STORY, GRANTED, at("2026-04-15"))
    assert "besluit-uitstel" not in _needed(case)
    assert case.uitstel[0].overtaken == "de zienswijze van 10 april 2026 is daarna ontvangen"
    assert lapse_reasons(case) == {"besluit-uitstel:4": "de zienswijze van 10 april 2026 is daarna ontvangen; de "
                                   "beschikking intrekking noemt het verzoek"}
    later = assess(V, STORY, GRANTED, at("2026-04-23"))
    assert not any("uitstel" in w for w in later.waits)
    facts = next(n.facts for n in plan(later) if n.letter.name == "beschikking-intrekking")
    assert facts["uitstel"] == [{"datum": "25 maart 2026", "tot": "21 april 2026", "besluit": "",
                                 "zienswijze": "10 april 2026"}]


def test_without_zienswijze_the_besluit_on_uitstel_lapses_when_the_extended_term_ends():
    case = assess(V, STORY[:4], GRANTED, at("2026-04-22"))
    assert "besluit-uitstel" not in _needed(case) and "beschikking-intrekking" in _needed(case)
    facts = next(n.facts for n in plan(case) if n.letter.name == "beschikking-intrekking")
    assert (facts["uitstel"][0]["besluit"], facts["uitstel"][0]["zienswijze"]) == ("", "")
    late = assess(V, [*STORY[:3], ev(4, "uitstelverzoek", "2026-04-20", weken="2")], GRANTED, at("2026-04-22"))
    assert "besluit-uitstel" in _needed(late)  # asked after the term: the lawyer is told, the zienswijze is weighed


def test_an_m55_during_the_asylum_procedure_is_no_application():
    case = assess(V, [ev(1, "m55", "2026-02-22", soort="aangifte", asiel=True)], {}, at("2026-02-23"))
    assert case.state == State.GEEN_AANVRAAG and _needed(case) == []
    assert "asielprocedure" in case.attention[0]


def test_no_bedenktijd_for_a_getuige_aangever_nor_in_detention_without_consent():
    getuige = assess(V, [ev(1, "m55", "2026-02-01", soort="bedenktijd", getuige_aangever=True)], {}, at("2026-02-02"))
    detained = assess(V, [ev(1, "m55", "2026-02-01", soort="bedenktijd", bewaring=True)], {}, at("2026-02-02"))
    consent = assess(V, [ev(1, "m55", "2026-02-01", soort="bedenktijd", bewaring=True, toestemming=True)], {},
                     at("2026-02-02"))
    assert _needed(getuige) == [] and "getuige-aangevers" in getuige.attention[0]
    assert _needed(detained) == [] and "vreemdelingenbewaring" in detained.attention[0]
    assert _needed(consent) == ["bevestiging-bedenktijd"]


def test_the_bedenktijd_lasts_three_months_and_ends_early_on_aangifte():
    story = [ev(1, "m55", "2026-02-01", soort="bedenktijd"), ev(2, "m55", "2026-02-20", soort="aangifte")]
    case = assess(V, story, {}, at("2026-02-21"))
    bedenktijd = _deadline(case, "bedenktijd")
    assert bedenktijd.due == D(2026, 4, 30) and bedenktijd.status(at("2026-02-21")) == "beëindigd"
    assert "aangifte of medewerking" in bedenktijd.basis


def test_the_24_hour_grant_target_counts_hours():
    m55 = ev(1, "m55", "2026-02-20", received="2026-02-20T15:00:00+01:00", soort="aangifte")
    in_time = assess(V, [m55], {"beschikking-verlening:1": dt.datetime(2026, 2, 21, 13, tzinfo=UTC)}, at("2026-02-22"))
    late = assess(V, [m55], {"beschikking-verlening:1": dt.datetime(2026, 2, 21, 15, tzinfo=UTC)}, at("2026-02-22"))
    assert _deadline(in_time, "verlening").status(at("2026-02-22")) == "op tijd"
    assert _deadline(late, "verlening").status(at("2026-02-22")) == "te laat"


def test_an_uitreiking_without_a_usable_date_is_an_oddity_the_case_waits_on_and_never_raises():
    story = STORY[:2] + [ev(3, "uitreiking", None)]
    case = assess(V, story, GRANTED, at("2026-05-01"))
    assert any("geen bruikbare datum" in odd for odd in case.oddities)
    assert case.state == State.SEPOT and "beschikking-intrekking" not in _needed(case)


def test_a_late_zienswijze_is_weighed_and_said_to_be_late():
    late = STORY[:3] + [ev(5, "zienswijze", "2026-04-09")]  # the term ended 7 April
    case = assess(V, late, GRANTED, at("2026-04-10"))
    facts = next(n.facts for n in plan(case) if n.letter.name == "beschikking-intrekking")
    assert facts["zienswijze"] and facts["te_laat"] and facts["zienswijzen"][0]["laat"]


def test_follow_up_procedures_have_their_targets():
    story = STORY[:3] + [ev(8, "voortgezet_verblijf", "2026-04-15"), ev(9, "bezwaar", "2026-07-01")]
    case = assess(V, story, GRANTED, at("2026-07-02"))
    # 35 working days: not Koningsdag, 4 May (equated: 5 mei is a Tuesday), 5 mei, Hemelvaart, the Friday after, Pinksteren
    assert _deadline(case, "voortgezet-verblijf").due == D(2026, 6, 11)
    assert _deadline(case, "bezwaar").due == D(2026, 9, 9)  # 50 working days
    assert _deadline(case, "vergunning").due == D(2027, 2, 21)


def test_the_om_writing_there_is_no_sepot_after_all_stops_the_voornemen_until_someone_confirms_it():
    doubt = ev(8, "stand_van_zaken", "2026-03-07", sepot_ontkend=True)
    case = assess(V, [*STORY[:2], doubt], GRANTED, at("2026-03-09"))
    assert "voornemen-intrekking" not in _needed(case)
    assert "het OM schreef op 7 maart 2026 dat er (nog) geen sepot is" in case.attention[0]
    confirmed = ev(9, "sepot_bevestigd", "2026-03-10", uitkomst="bevestigd")
    case = assess(V, [*STORY[:2], doubt, confirmed], GRANTED, at("2026-03-10"))
    assert "voornemen-intrekking" in _needed(case) and not case.attention
    # After the hand-out the intrekking waits for the OM in the same way.
    later = ev(8, "stand_van_zaken", "2026-04-08", sepot_ontkend=True)
    case = assess(V, [*STORY[:3], later], GRANTED, at("2026-04-20"))
    assert "beschikking-intrekking" not in _needed(case)
    assert any(w.startswith("wacht op het OM: het schreef op 8 april 2026") for w in case.waits)
    # A question without denial changes nothing.
    assert "beschikking-intrekking" in _needed(assess(V, [*STORY[:3], ev(8, "stand_van_zaken", "2026-04-08")],
                                                      GRANTED, at("2026-04-20")))


def test_a_message_dated_after_today_counts_only_from_its_day():
    """An uitreiking dated 30 March read on 25 March (a typo, or a replay with an earlier clock): no letter
    states it as fact before that day; the case says so and is looked at again on it."""
    from docgen.drafter import summary

    handed = ev(3, "uitreiking", "2026-03-30")
    early = assess(V, [*STORY[:2], handed], GRANTED, at("2026-03-25"))
    assert early.uitreiking is None and early.counts_from == (D(2026, 3, 30),)
    assert "uitreiking (bericht 3) is gedateerd 30 maart 2026, na vandaag" in early.oddities[-1]
    assert summary(early, at("2026-03-25"))["next_check"] <= "2026-03-30"
    assert assess(V, [*STORY[:2], handed], GRANTED, at("2026-03-30")).uitreiking == handed
