"""Case histories written as mail (tests/data/cases/): the drafts follow the whole case, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, docx_text, run_docgen

from docgen.clock import Clock
from docgen.config import Settings
from docgen.register.drafts import Drafts
from docgen.register.store import Store

CASES = ROOT / "tests" / "data" / "cases"


class Register:
    """One story's register: mail in, `docgen run --once` as of a day, then what the case says."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.inbox, self.data = tmp_path / "inbox", tmp_path / "var"
        self.inbox.mkdir()
        self.url = database_url if database_url.startswith("postgres") else str(self.data / "docgen.sqlite3")
        self.env = {"DOCGEN_DATABASE_URL": database_url if database_url.startswith("postgres") else ""}

    def deliver(self, story: str, *names: str) -> None:
        for name in names:
            shutil.copy(CASES / story / f"{name}.eml", self.inbox / f"{story}-{name}.eml")

    def run(self, today: str) -> None:
        old = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            run_docgen("run", "--inbox", str(self.inbox), "--data", str(self.data), "--once", "--today", today)
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)

    def case(self, v: str, today: str) -> dict:
        from docgen.cli import case_data

        settings = Settings(data=self.data, rules=ROOT / "inbox_rules", templates=ROOT / "templates")
        with Store(self.url) as store:
            return case_data(settings, store, v, Clock.on(__import__("datetime").date.fromisoformat(today)))

    def letter(self, v: str, kind: str):
        with Store(self.url) as store:
            return next((l for l in Drafts(store).letters(v) if l.kind == kind), None)

    def text(self, version) -> str:
        return docx_text(self.data / version.docx_path)


@pytest.fixture
def register(tmp_path, database_url):
    return Register(tmp_path, database_url)


def test_a_zienswijze_after_the_draft_makes_a_new_version_and_the_old_one_is_kept(register):
    v = "4100000033"
    register.deliver("zienswijze-na-concept", "01-m55", "02-sepot", "03-uitreiking")
    register.run("2026-06-15")  # the term ended 5 June: the intrekking is drafted without a zienswijze
    first = register.letter(v, "beschikking-intrekking")
    assert [x.status for x in first.versions] == ["concept"]
    assert "geen zienswijze naar voren gebracht" in register.text(first.latest)
    register.deliver("zienswijze-na-concept", "04-zienswijze")
    register.run("2026-06-22")
    after = register.letter(v, "beschikking-intrekking")
    assert [x.status for x in after.versions] == ["vervangen", "concept"]
    assert "zienswijzen" in after.versions[0].reason and "late zienswijze" in after.versions[0].reason
    text = register.text(after.latest)
    assert "na afloop van de termijn" in text and "Gezins- en privéleven" in text and "heeft u namens betrokkene een zienswijze" in text and "geen zienswijze" not in text
    case = register.case(v, "2026-06-22")
    assert case["letters"][-1]["versions"][0]["status"] == "vervangen"


def test_a_late_zienswijze_is_weighed_and_the_decision_says_it_came_late(register):
    v = "4100000025"
    register.deliver("late-zienswijze", "01-m55", "02-sepot", "03-uitreiking", "04-zienswijze")
    register.run("2026-06-15")
    text = register.text(register.letter(v, "beschikking-intrekking").latest)
    assert "10 juni 2026" in text and "na afloop van de termijn" in text and "Geen paspoort" in text


def test_an_announced_voortgezet_verblijf_keeps_the_intrekking_waiting(register):
    v = "4100000041"
    register.deliver("vv-aangekondigd", "01-m55", "02-sepot", "03-uitreiking", "04-zienswijze")
    register.run("2026-07-01")
    assert register.letter(v, "beschikking-intrekking") is None
    case = register.case(v, "2026-07-01")
    assert case["state"] == "wacht op voortgezet verblijf"
    assert "voetnoot 27" in case["waits"][0]
    assert "werkdagen sinds het einde van de zienswijzetermijn" in case["elapsed"]


def test_a_dateless_uitreiking_stops_nothing_and_the_case_waits_for_a_date(register):
    register.deliver("uitreiking-zonder-datum", "01-m55", "02-sepot", "03-uitreiking")
    register.deliver("late-zienswijze", "01-m55", "02-sepot", "03-uitreiking")
    register.run("2026-07-01")
    assert register.letter("4100000025", "beschikking-intrekking") is not None  # the other case goes on
    case = register.case("4100000058", "2026-07-01")
    assert register.letter("4100000058", "beschikking-intrekking") is None
    assert any("geen bruikbare datum" in odd for odd in case["oddities"])


def test_a_sepot_within_a_day_of_the_m55_gives_a_one_day_permit_and_no_voornemen(register):
    v = "4100000066"
    register.deliver("sepot-bij-verlening", "01-m55", "02-sepot")
    register.run("2026-05-06")
    grant = register.letter(v, "beschikking-verlening")
    assert "voor één dag: 4 mei 2026" in register.text(grant.latest)
    assert register.letter(v, "voornemen-intrekking") is None
    assert register.case(v, "2026-05-06")["state"] == "vergunning voor één dag"


def test_the_same_mail_in_arrival_order_under_watch_ends_with_the_drafts_of_one_run(tmp_path):
    """A replay: a watcher that sees the mail arrive one message at a time, drafting (and redrafting) as the
    cases grow, ends with the same letters as one run over all of it."""
    import email
    import email.utils
    import signal
    import subprocess

    from conftest import DOCGEN, SAMPLE, final_drafts, wait_for

    mail = [p for story in ("zienswijze-na-concept", "late-zienswijze", "sepot-bij-verlening")
            for p in sorted((CASES / story).glob("*.eml"))]
    mail += [SAMPLE / f"{n}.eml" for n in ("0008", "0014", "0017", "0020", "0036")]
    sent = {p: email.utils.parsedate_to_datetime(email.message_from_bytes(p.read_bytes())["Date"]) for p in mail}
    ordered = sorted(mail, key=lambda p: sent[p])
    everything = tmp_path / "all"
    everything.mkdir()
    for n, path in enumerate(ordered):
        shutil.copy(path, everything / f"{n:02d}-{path.name}")
    watched, data = tmp_path / "watched", tmp_path / "watch-var"
    env = {**os.environ, "DOCGEN_DATABASE_URL": "", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*DOCGEN, "watch", "--inbox", str(watched), "--data", str(data), "--poll", "0.2",
                             "--today", "2026-07-01"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: watched.is_dir(), timeout=60)
        for path in sorted(everything.iterdir()):
            shutil.copy(path, watched / path.name)
            wait_for(lambda p=path: (watched / "processed" / p.name).exists(), timeout=60)
        with Store(str(data / "docgen.sqlite3")) as store:
            wait_for(lambda: not store.dirty_cases(limit=1) and not Drafts(store).pending(), timeout=120)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    run_docgen("run", "--inbox", str(everything), "--data", str(tmp_path / "run-var"), "--once", "--keep",
               "--today", "2026-07-01")
    watched_drafts, run_drafts = final_drafts(data), final_drafts(tmp_path / "run-var")
    assert watched_drafts == run_drafts
    # Nothing is approved in a replay: the police handed out voornemens made outside docgen (so those permits
    # were granted there and only the intrekking is docgen's), the sepot that came before any grant gives a
    # one-day permit, and the uitstelverzoek of sample 0036 needs no besluit of its own: the zienswijze
    # came after it.
    assert {(v, kind) for v, kind, _ in run_drafts} == {
        ("4100000025", "beschikking-intrekking"), ("4100000033", "beschikking-intrekking"),
        ("4100000066", "beschikking-verlening")}


def _decide(register, *args):
    old = {k: os.environ.get(k) for k in register.env}
    os.environ.update(register.env)
    try:
        run_docgen("decide", *args, "--by", "bea", "--data", str(register.data))
    finally:
        for k, val in old.items():
            os.environ.pop(k) if val is None else os.environ.__setitem__(k, val)


def test_a_permit_granted_outside_docgen_is_recorded_and_the_intrekking_names_it(register):
    v = "4100000025"
    register.deliver("late-zienswijze", "01-m55", "02-sepot", "03-uitreiking")
    register.run("2026-07-01")  # the police handed out a voornemen docgen never made
    first = register.letter(v, "beschikking-intrekking")
    assert "[OPEN PUNT — de vergunning is buiten docgen verleend" in register.text(first.latest)
    assert register.letter(v, "beschikking-verlening") is None  # no second grant
    _decide(register, v, "verlening", "verleend", "--date", "2026-05-05", "--kenmerk", "ZK-77", "--today", "2026-07-01")
    register.run("2026-07-01")
    text = register.text(register.letter(v, "beschikking-intrekking").latest)
    assert "verleend bij beschikking van 5 mei 2026 (kenmerk ZK-77)" in text
    assert "de vergunning is buiten docgen verleend" not in text
    # The voornemen stays one docgen did not make: the term it announced is the behandelaar's to check.
    assert "[OPEN PUNT — het voornemen is buiten docgen gemaakt: controleer de zienswijzetermijn" in text


def test_the_decision_on_voortgezet_verblijf_brings_the_intrekking_with_it(register):
    v = "4100000041"
    register.deliver("vv-aangekondigd", "01-m55", "02-sepot", "03-uitreiking", "04-zienswijze")
    register.run("2026-07-01")
    assert register.letter(v, "beschikking-intrekking") is None
    _decide(register, v, "voortgezet-verblijf", "afgewezen", "--date", "3-7-2026", "--today", "2026-07-03")
    register.run("2026-07-03")
    text = register.text(register.letter(v, "beschikking-intrekking").latest)
    assert "tegelijk met de beslissing van 3 juli 2026 op de aanvraag" in text
    case = register.case(v, "2026-07-03")
    assert case["state"] == "besluit intrekking" and not case["waits"]


def test_a_zienswijze_in_triage_holds_the_intrekking_until_a_monitor_matches_it(register):
    v = "4100000017"
    register.deliver("zienswijze-in-triage", "01-m55", "02-sepot", "03-uitreiking", "04-zienswijze")
    register.run("2026-06-15")  # the term ended 5 June; the zienswijze (no V-nummer) waits in triage
    assert register.letter(v, "beschikking-intrekking") is None
    case = register.case(v, "2026-06-15")
    assert any(w.startswith("wacht op triage") and "naam en geboortedatum" in w for w in case["waits"])
    with Store(register.url) as store:
        (message,) = [m for m in store.messages("triage")]
        assert [v_ for v_, _ in store.suggestions(message["id"])] == [v]  # proposed to the monitor
        from docgen.register.store import Reviews

        Reviews(store).resolve_message(message["id"], "zienswijze", v, "mona")
    register.run("2026-06-15")
    text = register.text(register.letter(v, "beschikking-intrekking").latest)
    assert "geen zienswijze" not in text and "1 juni 2026" in text
    assert "Angst voor represailles" in text and "Psychische en medische situatie" in text
