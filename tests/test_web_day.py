"""Each role's day in the web application, in Debian's Chromium, on the whole sample corpus as of
17 April 2026: the monitor matches a zienswijze without V-nummer to its case from the message page; the
behandelaar finds a case by name, sees why its intrekking waits and approves a version; the contactpersoon
co-signs from the list; the manager downloads the report as CSV. Every page is in Dutch."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from conftest import HOSTILE, SAMPLE, docx_text, run_docgen, wait_for
from web_helpers import Site, add_users, launch, log_in, shot

from docgen.web.words import type_word

MERCY_WANG = "5681675654"    # her zienswijze (0033.eml) names her only in the attached letter
SAMUEL_TURAY = "5020321828"  # voortgezet verblijf announced: the intrekking waits for the decision on it
KADIATOU_ADEYEMI = "2889683530"  # an M55 with aangifte: her grant is drafted


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("day") / "var"
    inbox = data.parent / "inbox"
    inbox.mkdir()
    for path in SAMPLE.glob("*.eml"):
        shutil.copy(path, inbox / path.name)
    shutil.copy(HOSTILE / "h07_rtlo_filename.eml", inbox / "h07.eml")  # quarantined: a disguised file name
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--today", "2026-04-17")
    add_users(data)
    running = Site(data, "2026-04-17")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        opened = launch(playwright)
        yield opened
        opened.close()


def test_the_monitor_matches_a_zienswijze_without_v_nummer_to_its_case_from_the_message_page(browser, site):
    page = log_in(browser, site, "mona")
    page.get_by_role("link", name="Triage").click()
    assert "Triage en quarantaine" in page.inner_text("h1")
    shot(page, "inbox")
    page.locator("tr", has_text="bosman@rechtshulpzuid.nl").get_by_role("link").click()
    main = page.inner_text("main")
    for seen in ("mr. L. Bosman <bosman@rechtshulpzuid.nl>", "Zienswijze voornemen tot intrekking", "3 april 2026",
                 "geen V-nummer gevonden in deze zienswijze", "Bijgaand zend ik u de zienswijze van cliënte",
                 "reactie voornemen.docx", "Mercy Wang, geboren op 24-04-1994", "regel zienswijze"):
        assert seen in main, seen
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden: reactie voornemen.docx").click()
    assert download.value.suggested_filename == "reactie voornemen.docx"
    shot(page, "message")

    # A V-nummer typed wrong is answered inside the page, and what was typed stays.
    page.get_by_label("V-nummer (10 cijfers)").fill("5681.6756")
    with page.expect_response(lambda r: r.url.endswith("/vaststellen")) as answer:
        page.get_by_role("button", name="Vastleggen").click()
    assert answer.value.status == 400
    assert "‘5681.6756’ is geen V-nummer" in page.inner_text("[role=alert]")
    assert page.get_by_label("V-nummer (10 cijfers)").input_value() == "5681.6756"
    assert page.get_by_label("V-nummer (10 cijfers)").get_attribute("aria-invalid") == "true"

    # The name and date of birth in the attached letter propose the case, and a search finds it too;
    # attaching records who and when.
    proposed = page.locator("table", has_text="Voorgestelde zaken")
    assert MERCY_WANG in proposed.inner_text() and "dezelfde naam en geboortedatum" in proposed.inner_text()
    page.get_by_label("Zaak zoeken op naam, V-nummer of parketnummer").fill("mercy wang")
    page.get_by_role("button", name="Zaak zoeken").click()
    found = page.locator("#zaken")
    found.get_by_role("button", name=f"Koppelen aan zaak {MERCY_WANG} (Mercy Wang)").click()
    main = page.inner_text("main")
    assert f"Vastgelegd: zienswijze voor V-nummer {MERCY_WANG}" in main
    assert "vastgesteld door mona op 17 april 2026 om 12:00" in main
    page.close()

    page = log_in(browser, site, "bea")  # the behandelaar sees it on the case, linked to the message
    page.goto(f"{site.url}/cases/{MERCY_WANG}")
    timeline = page.locator("table", has_text="Gebeurtenissen van deze zaak")
    assert timeline.get_by_role("link", name="Zienswijze voornemen tot intrekking").count() == 1
    assert "triage → zienswijze voor 5681675654" in page.locator("table", has_text="Wie wat deed").inner_text()
    # The intrekking waited for this message; now the drafter makes it, and it weighs the zienswijze.
    letter = page.locator("#brief-beschikking-intrekking-1")
    wait_for(lambda: page.reload() and letter.count() and "concept" in letter.inner_text(), timeout=120)
    with page.expect_download() as download:
        letter.get_by_role("link", name=f"{MERCY_WANG}-beschikking-intrekking-v1.docx").click()
    text = docx_text(Path(download.value.path()))
    assert "Op 3 april 2026 heeft u namens betrokkene een zienswijze ingediend." in text
    assert "beklag" in text.split("Zienswijze", 1)[1]  # what the lawyer raised is answered
    page.close()


def test_a_message_without_v_nummer_proposes_the_case_with_the_same_name_and_birth_date(browser, site):
    page = log_in(browser, site, "mona")
    page.goto(f"{site.url}/inbox?status=open&q=Hawa+Owusu")
    page.get_by_role("link", name="M55-formulier Hawa Owusu").click()
    proposed = page.locator("table", has_text="Voorgestelde zaken")
    assert "dezelfde naam en geboortedatum" in proposed.inner_text()
    proposed.get_by_role("button", name="Koppelen aan zaak 5878505886 (Hawa Owusu)").click()
    assert "Vastgelegd: M55 voor V-nummer 5878505886" in page.inner_text("main")
    page.close()


def test_a_quarantined_message_is_shown_without_its_attachments_and_released_only_after_review(browser, site):
    page = log_in(browser, site, "mona")
    page.goto(f"{site.url}/inbox?status=quarantaine")
    page.locator("tr.quarantined").get_by_role("link").click()
    main = page.inner_text("main")
    assert "stuur- of schrijfrichtingstekens" in main and "[U+202E]" in main  # the hidden character, visible
    assert page.get_by_role("link", name="Downloaden").count() == 0
    page.get_by_role("button", name="Markeren als overig").click()
    assert "pas vrijgegeven als u heeft aangevinkt" in page.inner_text("[role=alert]")
    page.get_by_label("Ik heb dit bericht bekeken", exact=True).check()
    page.get_by_role("button", name="Markeren als overig").click()
    main = page.inner_text("main")
    assert "verwerkt: vastgesteld door mona op 17 april 2026" in main and "Dit bericht stond in quarantaine" in main
    page.close()


def test_the_behandelaar_finds_a_case_by_name_sees_why_the_intrekking_waits_and_approves(browser, site, tmp_path):
    page = log_in(browser, site, "bea")
    page.get_by_role("link", name="Vandaag").click()
    assert "Vandaag, 17 april 2026" in page.inner_text("h1")
    shot(page, "vandaag")
    page.get_by_role("link", name="Zaken").click()
    page.get_by_label("Zoeken op V-nummer, naam of parketnummer").fill("turay")
    page.get_by_role("button", name="Zoeken").click()
    shot(page, "cases")
    page.get_by_role("link", name=SAMUEL_TURAY).click()
    waits = page.locator("section.wait").inner_text()
    assert "Waarom de beschikking intrekking wacht" in waits and "wacht op voortgezet verblijf" in waits
    # Her zienswijze came after her request for time: no separate besluit on it, the intrekking will name it.
    assert page.locator("#brief-besluit-uitstel-1").count() == 0
    # Her drafts list leads to a grant; the page asks first, and says what is still open in the draft before
    # anyone presses the button: here nothing but the behandelaar's own name, which docgen writes in.
    page.get_by_role("link", name="Mijn concepten").click()
    page.get_by_role("link", name=KADIATOU_ADEYEMI).first.click()
    page.get_by_role("link", name="Goedkeuren — beschikking verlening verblijfsvergunning versie 1").click()
    assert "Goedkeuren: beschikking verlening verblijfsvergunning, versie 1" in page.inner_text("h1")
    assert page.locator("[role=alert]").count() == 0
    page.get_by_role("button", name="Ja, goedkeuren").click()
    letter = page.locator("#brief-beschikking-verlening-1")
    assert "goedgekeurd door bea op 17 april 2026 om 12:00" in letter.inner_text()
    assert letter.locator("tr.superseded", has_text="versie 1").count() == 1  # the draft before, greyed
    with page.expect_download() as download:
        letter.get_by_role("link", name=f"{KADIATOU_ADEYEMI}-beschikking-verlening-v2.docx").click()
    import docx

    text = "\n".join(c.text for t in docx.Document(download.value.path()).tables for r in t.rows for c in r.cells)
    assert "[naam behandelaar]" not in text and "bea" in text  # her name, in the letter she approved
    assert "goedgekeurd" in page.locator("table", has_text="Wie wat deed").inner_text()
    shot(page, "case")
    page.close()


def fill_in(path: Path, out: Path, values: dict[str, str]) -> Path:
    """What a behandelaar does in Word: type the missing facts over the placeholders."""
    import docx

    document = docx.Document(str(path))
    parts = [document, *(s.header for s in document.sections), *(s.footer for s in document.sections)]
    paragraphs = [p for part in parts for p in part.paragraphs]
    paragraphs += [p for part in parts for t in part.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    for paragraph in paragraphs:
        for placeholder, value in values.items():
            if placeholder in paragraph.text:
                paragraph.text = paragraph.text.replace(placeholder, value)
    document.save(str(out))
    return out


def test_the_contactpersoon_cosigns_from_the_list(browser, site):
    page = log_in(browser, site, "cor")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    assert "Te medeondertekenen 1" in menu.inner_text()
    menu.get_by_role("link", name="Te medeondertekenen").click()
    shot(page, "cosign")
    page.get_by_role("link", name=f"Medeondertekenen — beschikking verlening verblijfsvergunning versie 2 van {KADIATOU_ADEYEMI}").click()
    page.get_by_role("button", name="Ja, medeondertekenen").click()
    assert page.url.endswith("/werk/medeondertekenen")
    assert "Medeondertekend: versie 2 is definitief" in page.inner_text("main")
    assert "Te medeondertekenen 0" in page.get_by_role("navigation", name="Hoofdmenu").inner_text()
    page.goto(f"{site.url}/cases/{KADIATOU_ADEYEMI}")
    assert "medeondertekend door cor op 17 april 2026" in page.locator("#brief-beschikking-verlening-1").inner_text()
    page.close()


def test_the_manager_reads_the_report_and_downloads_it_as_csv(browser, site):
    page = log_in(browser, site, "max")
    assert page.url.endswith("/report")
    assert "Inbox" not in page.get_by_role("navigation", name="Hoofdmenu").inner_text()
    assert page.goto(f"{site.url}/inbox").status == 403 and "Geen toegang" in page.inner_text("h1")
    page.goto(f"{site.url}/report")
    page.get_by_label("Van (bijvoorbeeld 1-6-2026)").fill("1-3-2026")
    page.get_by_label("Tot en met").fill("31 maart 2026")
    page.get_by_role("button", name="Periode tonen").click()
    assert "Rapportage: 1 maart 2026 tot en met 31 maart 2026" in page.inner_text("h1")
    on_page = page.locator("table", has_text="Ontvangen berichten per soort").inner_text()
    shot(page, "report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tabellen downloaden als CSV").click()
    assert download.value.suggested_filename == "docgen-rapportage-2026-03-01-2026-03-31.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["tabel", "naam"]
    steps = {r[1]: r for r in rows if r[0] == "doorlooptijd"}
    assert steps["sepot → voornemen tot intrekking"][2] == "1 werkdag"
    for kind, count in ((r[1], r[5]) for r in rows if r[0] == "berichten"):
        assert f"{type_word(kind)}\t{count}" in on_page  # the same counts as the page
    page.goto(f"{site.url}/cases/{SAMUEL_TURAY}")  # cases read-only: nothing to approve, nothing to download
    assert page.get_by_role("link", name="Goedkeuren").count() == 0 and page.locator("a[href$='/docx']").count() == 0
    page.close()


# -- every page, for every role, checked with axe-core (0 serious or critical violations) ------

def _ids(site) -> dict:
    import sqlite3

    with sqlite3.connect(site.data / "docgen.sqlite3") as db:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {"triage": one("SELECT MIN(id) FROM messages WHERE status = 'triage'"),
                "quarantine": one("SELECT MIN(id) FROM messages WHERE name = 'h07.eml'"),
                "classified": one("SELECT MIN(id) FROM messages WHERE status = 'classified' AND type = 'zienswijze'"),
                "concept": one("SELECT MIN(id) FROM versions WHERE status = 'concept'"),
                "signed": one("SELECT COALESCE(MIN(CASE WHEN status IN ('definitief', 'goedgekeurd') THEN id END),"
                              " MIN(id)) FROM versions")}


def _pages(role: str, ids: dict) -> list[str]:
    monitor = ["/inbox", "/inbox?status=open", "/inbox?q=wang&soort=zienswijze", f"/messages/{ids['triage']}",
               f"/messages/{ids['triage']}?q=conteh", f"/messages/{ids['quarantine']}", f"/messages/{ids['classified']}",
               "/vandaag"]
    staff = ["/vandaag", "/cases", "/cases?q=conteh&termijn=verlopen&sorteer=naam&richting=af&pagina=1",
             f"/cases/{SAMUEL_TURAY}", f"/cases/{MERCY_WANG}", f"/messages/{ids['classified']}"]
    behandelaar = ["/werk/concepten", "/werk/termijnen", "/werk/achterhaald", f"/versions/{ids['concept']}/approve"]
    contactpersoon = ["/werk/medeondertekenen", f"/versions/{ids['signed']}/cosign"]
    common = ["/report", "/report?from=31-02-2026", "/cases/0000000000", "/templates"]  # errors: 404, 403 or 400
    by_role = {"monitor": monitor, "behandelaar": staff + behandelaar, "contactpersoon": staff + contactpersoon,
               "template-maintainer": ["/templates"], "manager": ["/cases", f"/cases/{SAMUEL_TURAY}", "/inbox"],
               "admin": monitor + staff + behandelaar + contactpersoon}
    return list(dict.fromkeys(by_role[role] + common))


@pytest.mark.parametrize("name", ["mona", "bea", "cor", "tom", "max", "ada", None],
                         ids=["monitor", "behandelaar", "contactpersoon", "template-maintainer", "manager", "admin",
                              "anonymous"])
def test_every_page_passes_axe_core_for_every_role(browser, site, name):
    from web_helpers import ROLES, axe, axe_script, serious

    script, ids = axe_script(), _ids(site)
    if name is None:  # the login page, empty and after a wrong password
        page = browser.new_page()
        page.goto(f"{site.url}/login")
        checked = {"/login": axe(page, script)}
        page.get_by_label("Naam").fill("nobody")
        page.get_by_role("button", name="Inloggen").click()
        checked["/login (fout)"] = axe(page, script)
    else:
        page = log_in(browser, site, name)
        checked = {}
        for path in _pages(ROLES[name], ids):
            page.goto(site.url + path)
            checked[path] = axe(page, script)
        if ROLES[name] in ("monitor", "admin"):  # a form answered inside the page
            page.goto(f"{site.url}/messages/{ids['triage']}")
            page.get_by_label("V-nummer (10 cijfers)").fill("12 34")
            page.get_by_role("button", name="Vastleggen").click()
            checked["/messages/… (fout V-nummer)"] = axe(page, script)
    page.close()
    for path, found in checked.items():
        others = ", ".join(f"{v['id']} ({v['impact']})" for v in found if v not in serious(found))
        print(f"axe {name or 'anoniem'} {path}: {len(serious(found))} serious/critical; {others or 'no others'}")
    bad = {path: serious(found) for path, found in checked.items() if serious(found)}
    assert not bad, bad
