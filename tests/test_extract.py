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
]


@pytest.mark.parametrize("text,expected", V_CASES, ids=[c[0] for c in V_CASES])
def test_v_nummers_are_found_as_people_type_them(rules, text, expected):
    assert extract.v_nummers(rules.extractors, {"body": text}) == expected


def test_a_labelled_v_nummer_in_an_attachment_counts_but_a_bare_number_there_does_not(rules):
    found = extract.v_nummers(rules.extractors, {"attachments": "Kenmerk 5555555555\nV-nummer 1111111111"})
    assert found == ["1111111111"]


DATE_CASES = [
    ("op 3 februari 2026", dt.date(2026, 2, 3)),
    ("op 03-02-2026", dt.date(2026, 2, 3)),
    ("op 3-2-2026", dt.date(2026, 2, 3)),
    ("op 3 mrt. 2026", dt.date(2026, 3, 3)),
    ("op 2026-02-03", dt.date(2026, 2, 3)),
]


@pytest.mark.parametrize("text,expected", DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_dutch_dates_are_read(rules, text, expected):
    assert extract.dates_in(rules.extractors, text)[0][2] == expected


def test_an_impossible_date_is_ignored(rules):
    assert extract.dates_in(rules.extractors, "op 31-02-2026") == []


def test_the_parketnummer_is_normalised(rules):
    assert extract.parketnummer(rules.extractors, "sepotbrief_09-814298-25.pdf") == "09/814298-25"
    assert extract.parketnummer(rules.extractors, "Parketnummer: 18/190195-24") == "18/190195-24"
