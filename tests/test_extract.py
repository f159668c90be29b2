"""How people type V-nummers and dates, and what must not be taken for one."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.classify import extract

V_CASES = [
    ("V-nummer: 1234567890", ["1234567890"]),
    ("V-nr. 1234 567 890", ["1234567890"]),
    ("vnr 12.34.56.78.90", ["1234567890"]),
    ("Vreemdelingennummer 9876543210", ["9876543210"]),
    ("V-\nnummer: 1234567890", ["1234567890"]),
    ("V-nr: onbekend (nog niet geregistreerd)", []),
    ("Tel. 0612345678", []),
    ("A-nummer 6085096520", []),
    ("BSN 123456789", []),
    ("Uitreikingsblad 7668220325", ["7668220325"]),
    ("zaak 12345678901", []),  # eleven digits is no V-nummer
    ("Hierbij mijn zienswijze (V-no. 7553 955 161).", ["7553955161"]),
    ("V.nr 7553955161", ["7553955161"]),
    ("vreemdelingennr.: 7553.955.161", ["7553955161"]),
    ("Vreemdelingennr.:\n7410.295.836", ["7410295836"]),  # the number on the next line
    ("Uw kenmerk: V 2231405968", ["2231405968"]),
    ("uw kenmerk 7712039485", ["7712039485"]),  # the IND's own reference is the V-nummer
    ("Ons kenmerk: 2026041234", []),  # the lawyer's is not
    ("V2231405968", ["2231405968"]),
    ("mijn v nummer is 7391028465", ["7391028465"]),
    ("bel mij op +31 6 4829 1037 of 0648291037", []),
    ("Derdengelden: NL12RABO1312345678", []),  # an IBAN's account number
    ("A-nummer: 7283910456", []),
    ("Administratienummer 5566778899", []),
    ("Parketnummer 18/190195-24, tel 0612345678", []),
]


@pytest.mark.parametrize("text,expected", V_CASES, ids=[c[0] for c in V_CASES])
def test_v_nummers_are_found_as_people_type_them(rules, text, expected):
    assert extract.v_nummers(rules.extractors, {"body": text}) == expected


def test_a_v_nummer_only_in_an_attachment_file_name_counts(rules):
    assert extract.v_nummers(rules.extractors, {"attachment_name": "uitreikingsblad 6281930475.pdf"}) == ["6281930475"]


def test_a_labelled_v_nummer_in_an_attachment_counts_but_a_bare_number_there_does_not(rules):
    found = extract.v_nummers(rules.extractors, {"attachments": "Kenmerk 5555555555\nV-nummer 1111111111"})
    assert found == ["1111111111"]


DATE_CASES = [
    ("op 3 februari 2026", dt.date(2026, 2, 3)),
    ("op 03-02-2026", dt.date(2026, 2, 3)),
    ("op 3-2-2026", dt.date(2026, 2, 3)),
    ("op 3 mrt. 2026", dt.date(2026, 3, 3)),
    ("op 2026-02-03", dt.date(2026, 2, 3)),
    ("OP 18 MAART 2026 BESLOTEN", dt.date(2026, 3, 18)),
    ("op twintig mei tweeduizend zesentwintig", dt.date(2026, 5, 20)),
    ("op tweeëntwintig juni tweeduizendzesentwintig", dt.date(2026, 6, 22)),
    ("Op 3 maart jl. heeft cliënte", dt.date(2026, 3, 3)),  # no year: the last 3 March before the message
]


@pytest.mark.parametrize("text,expected", DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_dutch_dates_are_read(rules, text, expected):
    assert extract.dates_in(rules.extractors, text, dt.date(2026, 5, 8))[0][2] == expected


def test_a_date_without_a_year_is_the_last_such_day_before_the_message(rules):
    assert extract.dates_in(rules.extractors, "op 20 december", dt.date(2026, 1, 5))[0][2] == dt.date(2025, 12, 20)


def test_a_date_of_birth_is_never_taken_for_the_date_of_an_event(rules):
    text = "mevrouw Rose Addo, geboren op 17-08-1992, is geseponeerd op 22 juni 2026"
    assert [d for _, _, d in extract.dates_in(rules.extractors, text, births=False)] == [dt.date(2026, 6, 22)]


def test_an_impossible_date_is_ignored(rules):
    assert extract.dates_in(rules.extractors, "op 31-02-2026") == []


def test_the_parketnummer_is_normalised(rules):
    assert extract.parketnummer(rules.extractors, "sepotbrief_09-814298-25.pdf") == "09/814298-25"
    assert extract.parketnummer(rules.extractors, "Parketnummer: 18/190195-24") == "18/190195-24"
