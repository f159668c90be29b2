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
    run_docgen("run", "--inbox", str(SAMPLE), "--data", str(data), "--once", "--keep")
    return data


def test_case_json_has_the_timeline_and_the_zienswijze_deadline(register):
    out = run_docgen("case", "5878505886", "--json", "--data", str(register), "--today", "2026-04-01").stdout
    case = json.loads(out)
    assert set(case) >= {"v_nummer", "state", "events", "deadlines"}
    assert [e["kind"] for e in case["events"]] == ["m55", "sepot", "uitreiking", "uitstelverzoek", "zienswijze"]
    zienswijze = next(d for d in case["deadlines"] if d["name"] == "zienswijze")
    # Uitreiking 11 March 2026 + 2 weeks + 4 weeks uitstel = Wednesday 22 April 2026.
    assert zienswijze["due"] == "2026-04-22"
    letters = {d["letter"] for d in case["drafts"]}
    assert {"beschikking-verlening", "voornemen-intrekking", "besluit-uitstel", "beschikking-intrekking"} <= letters


def test_cases_lists_overdue_first(register):
    out = run_docgen("cases", "--data", str(register), "--today", "2026-10-06").stdout.splitlines()
    statuses = [line.split()[-1].replace("(!)", "").strip() for line in out[1:]]
    rows = [line for line in out[1:]]
    assert "overdue" in statuses and "open" in statuses
    first_open = next(i for i, line in enumerate(rows) if " open" in line)
    assert all(" overdue" in line for line in rows[:first_open])


def test_report_csv_has_the_pilot_steps_and_counts(register):
    out = run_docgen("report", "--csv", "--data", str(register), "--today", "2026-10-06").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    steps = {r["name"]: r for r in rows if r["table"] == "lead_time"}
    assert int(steps["aangifte → sepot"]["count"]) > 0
    assert steps["sepot → voornemen tot intrekking"]["target"] == "1 working day"
    messages = {r["name"]: int(r["count"]) for r in rows if r["table"] == "messages"}
    assert messages["m55"] == 32 and messages["sepot"] == 17 and messages["overig"] == 10
    assert messages["inschrijving_gemeente"] == 1 and messages["stand_van_zaken"] == 1  # 0007, 0094: finer kinds


def test_report_can_be_limited_to_a_period(register):
    whole = run_docgen("report", "--csv", "--data", str(register)).stdout
    spring = run_docgen("report", "--csv", "--from", "2026-03-01", "--to", "2026-03-31", "--data", str(register)).stdout
    count = lambda text: sum(int(r["count"]) for r in csv.DictReader(io.StringIO(text)) if r["table"] == "messages")  # noqa: E731
    assert 0 < count(spring) < count(whole)


def test_an_unknown_v_nummer_is_a_clear_error(register):
    proc = run_docgen("case", "0000000001", "--data", str(register), check=False)
    assert proc.returncode == 2 and "no case with V-nummer 0000000001" in proc.stderr
