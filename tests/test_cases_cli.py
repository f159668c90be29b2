"""Staff and management read the register: cases by urgency, one case's timeline, the pilot's tables."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import SAMPLE, run_docgen


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    data = tmp_path_factory.mktemp("var")
    run_docgen("run", "--inbox", str(SAMPLE), "--data", str(data), "--once", "--keep", "--today", "2026-10-06")
    return data


def test_case_json_has_the_timeline_and_the_zienswijze_deadline(register):
    out = run_docgen("case", "5878505886", "--json", "--data", str(register), "--today", "2026-04-01").stdout
    case = json.loads(out)
    assert set(case) >= {"v_nummer", "state", "events", "deadlines"}
    # The zienswijze of 8 April is not there yet on 1 April: it counts from its own day.
    assert [e["kind"] for e in case["events"]] == ["m55", "sepot", "uitreiking", "uitstelverzoek"]
    zienswijze = next(d for d in case["deadlines"] if d["name"] == "zienswijze")
    # Uitreiking 11 March 2026 + 2 weeks + 4 weeks uitstel (with a reason) = Wednesday 22 April 2026.
    assert zienswijze["due"] == "2026-04-22"
    letters = {d["letter"]: d for d in case["letters"]}
    # The police handed out a voornemen docgen did not make: the permit was granted outside docgen, and
    # neither a second grant nor a second voornemen is drafted; the zienswijze of 8 April (the register was
    # drafted on 6 October) came after the request for time, so no separate besluit on it either.
    assert set(letters) == set()
    assert any("buiten docgen" in note or "niet in docgen" in note for note in case["attention"])
    # The zienswijze announces an application for voortgezet verblijf: the revocation waits for its decision,
    # and the M55 without V-nummer in triage carries her name and date of birth.
    assert "beschikking-intrekking" not in letters
    later = json.loads(run_docgen("case", "58785 05886", "--json", "--data", str(register), "--today", "6-10-2026").stdout)
    assert later["state"] == "wacht op voortgezet verblijf"
    assert any("voortgezet verblijf" in w for w in later["waits"]) and any("triage" in w for w in later["waits"])


def test_cases_lists_overdue_first(register):
    out = run_docgen("cases", "--data", str(register), "--today", "2026-10-06").stdout.splitlines()
    rows = [line.replace("(!)", "").rstrip() for line in out[1:]]
    statuses = [line.split()[-1] for line in rows]
    assert "verlopen" in statuses  # in a replay nothing was decided: every grant is overdue
    first_other = next((i for i, status in enumerate(statuses) if status != "verlopen"), len(statuses))
    assert all(status != "verlopen" for status in statuses[first_other:])
    assert "2026-" not in "\n".join(out)  # Dutch dates


def test_report_csv_has_the_pilot_steps_and_counts(register):
    out = run_docgen("report", "--csv", "--data", str(register), "--today", "2026-10-06").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    steps = {r["naam"]: r for r in rows if r["tabel"] == "doorlooptijd"}
    assert int(steps["aangifte → sepot"]["aantal"]) > 0
    assert steps["sepot → voornemen tot intrekking"]["streeftermijn"] == "1 werkdag"
    assert int(steps["sepot → voornemen tot intrekking"]["aantal"]) == 0  # drafts are not decisions
    messages = {r["naam"]: int(r["aantal"]) for r in rows if r["tabel"] == "berichten"}
    assert messages["m55"] == 32 and messages["sepot"] == 17 and messages["overig"] == 10
    assert messages["inschrijving_gemeente"] == 1 and messages["stand_van_zaken"] == 1  # 0007, 0094: finer kinds


def test_report_can_be_limited_to_a_period(register):
    whole = run_docgen("report", "--csv", "--data", str(register)).stdout
    spring = run_docgen("report", "--csv", "--from", "1-3-2026", "--to", "2026-03-31", "--data", str(register)).stdout
    count = lambda text: sum(int(r["aantal"]) for r in csv.DictReader(io.StringIO(text)) if r["tabel"] == "berichten")  # noqa: E731
    assert 0 < count(spring) < count(whole)


def test_an_unknown_v_nummer_is_a_clear_error(register):
    proc = run_docgen("case", "0000000001", "--data", str(register), check=False)
    assert proc.returncode == 2 and "no case with V-nummer 0000000001" in proc.stderr


def test_the_oms_later_denial_of_a_sepot_holds_the_case_until_the_behandelaar_records_the_confirmation(register):
    """Sample 0094: the OM writes on 19 October that the sepot of 21 July is not taken yet (runs last: it
    records a decision in the module's register)."""
    case = json.loads(run_docgen("case", "9504454098", "--json", "--data", str(register), "--today", "2026-10-20").stdout)
    assert any("het OM schreef op 19 oktober 2026 dat er (nog) geen sepot is" in a for a in case["attention"])
    assert any(w.startswith("wacht op het OM") for w in case["waits"])
    wrong = run_docgen("decide", "9504454098", "sepot", "afgewezen", "--date", "2026-10-21", "--by", "bea",
                       "--data", str(register), check=False)
    assert wrong.returncode != 0 and "sepot bevestigd" in wrong.stderr
    run_docgen("decide", "9504454098", "sepot", "bevestigd", "--date", "2026-10-21", "--by", "bea",
               "--data", str(register), "--today", "2026-10-21")
    case = json.loads(run_docgen("case", "9504454098", "--json", "--data", str(register), "--today", "2026-10-21").stdout)
    assert not any("geen sepot" in a for a in case["attention"]) and not any("OM" in w for w in case["waits"])
    assert [e["kind"] for e in case["events"]][-1] == "sepot_bevestigd"
