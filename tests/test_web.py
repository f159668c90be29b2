"""The web application in a real headless Chromium: each role sees its pages, the main story works end to end,
and what a role must not do is refused, also by direct URL and by POST."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import DOCGEN, ROOT, SAMPLE, docx_text, pdf_text, run_docgen, wait_for

PASSWORD = "correct-horse-battery"
SITE_DATA: list[Path] = []  # the running site's data directory
USERS = {"mona": "monitor", "bea": "behandelaar", "cor": "contactpersoon", "tom": "template-maintainer", "ada": "admin"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A register with a sepot (drafted), a phishing mail (triage), the users, and `docgen serve` running."""
    data = tmp_path_factory.mktemp("web") / "var"
    inbox = data.parent / "inbox"
    inbox.mkdir()
    for name in ("0042.eml", "0004.eml", "0003.eml", "0001.eml", "0008.eml", "0014.eml"):
        shutil.copy(SAMPLE / name, inbox / name)
    shutil.copy(SAMPLE.parent / "hostile-sample" / "h07_rtlo_filename.eml", inbox / "h07.eml")
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--today", "2026-04-17")
    # The unit granted 5878505886's permit the day after the M55, before the sepot came in: recorded by hand.
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_DATABASE_URL"}
    subprocess.run([*DOCGEN, "decide", "5878505886", "verlening", "verleend", "--date", "2026-02-23", "--by", "bea",
                    "--data", str(data), "--today", "2026-04-17"], cwd=ROOT, check=True, capture_output=True, env=env)
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--today", "2026-04-17")
    SITE_DATA[:] = [data]
    for name, role in USERS.items():
        subprocess.run([*DOCGEN, "users", "add", name, "--role", role, "--data", str(data)], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "DOCGEN_PASSWORD": PASSWORD})
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_DATABASE_URL"}
    server = subprocess.Popen([*DOCGEN, "serve", "--data", str(data), "--port", str(port), "--today", "2026-04-17"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _up(port), timeout=60)
    yield url
    server.terminate()
    server.wait(timeout=30)


def _up(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _login(browser, site, name):
    page = browser.new_page()
    page.goto(f"{site}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    return page


def _shot(page, name):
    folder = os.environ.get("DOCGEN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_every_page_requires_login(browser, site):
    page = browser.new_page()
    for path in ("/inbox", "/cases", "/cases/2956047063", "/templates", "/report"):
        page.goto(site + path)
        assert "/login" in page.url, path
    page.close()


def test_a_monitor_sees_the_inbox_with_triage_and_sets_a_message_by_hand(browser, site):
    page = _login(browser, site, "mona")
    assert page.url.endswith("/inbox")
    assert page.locator("tr.triage").count() == 2  # a phishing mail, and an M55 without V-nummer
    assert "schrijfrichtingstekens" in page.inner_text("tr.quarantined")  # quarantine, with its reason in Dutch
    phishing = page.locator("tr.triage", has_text="ind-beveiliging.com").locator("a").get_attribute("href")
    page.locator("tr.triage", has_text="geen V-nummer gevonden in deze M55").locator("a").click()
    page.get_by_label("V-nummer (10 cijfers)").fill("1111111111")
    page.click("button:has-text('Vastleggen')")
    assert "Vastgelegd: M55 voor V-nummer 1111111111" in page.inner_text("main")
    page.goto(site + phishing)
    page.click("button:has-text('Markeren als overig')")  # stays overig, no V-nummer needed
    page.goto(f"{site}/inbox")
    assert page.locator("tr.triage").count() == 0
    page.close()
    page = _login(browser, site, "bea")
    # Processing went on: the drafter confirms the bedenktijd in a draft.
    wait_for(lambda: "Bevestiging bedenktijd" in (page.goto(f"{site}/cases/1111111111") and page.inner_text("main")))
    page.close()


def test_a_monitor_may_not_see_cases(browser, site):
    page = _login(browser, site, "mona")
    assert page.goto(f"{site}/cases").status == 403
    assert page.goto(f"{site}/cases/2956047063").status == 403
    page.close()


def _letter(page, name):
    return page.locator("section.letter", has_text=name)


def test_the_main_story_a_sepot_is_drafted_corrected_approved_and_cosigned(browser, site, tmp_path):
    page = _login(browser, site, "bea")
    page.click("text=5878505886")
    letter = _letter(page, "voornemen-intrekking")
    assert letter.locator("a", has_text="-v1.pdf").count() == 1
    with page.expect_download() as download:
        letter.locator("a", has_text="-v1.docx").click()
    assert download.value.suggested_filename == "5878505886-voornemen-intrekking-v1.docx"
    # The behandelaar corrects the draft in Word, signs it with her name, and uploads it; the PDF follows.
    import docx

    corrected = tmp_path / "voornemen-intrekking.docx"
    document = docx.Document(download.value.path())
    for paragraph in document.paragraphs:
        if "[naam behandelaar]" in paragraph.text:
            paragraph.text = paragraph.text.replace("[naam behandelaar]", "B. de Behandelaar")
    for cell in (c for t in document.tables for r in t.rows for c in r.cells):
        if "[naam behandelaar]" in cell.text:
            cell.text = cell.text.replace("[naam behandelaar]", "B. de Behandelaar")
    document.add_paragraph("Correctie van de behandelaar: betrokkene verblijft in de opvang.")
    document.save(str(corrected))
    letter.locator("input[type=file]").set_input_files(str(corrected))
    letter.locator("button", has_text="Correctie uploaden").click()
    letter = _letter(page, "voornemen-intrekking")
    assert "vervangen door een correctie van bea" in letter.inner_text()
    pdf = page.request.get(site + letter.locator("a", has_text="-v2.pdf").get_attribute("href")).body()
    (tmp_path / "v2.pdf").write_bytes(pdf)
    assert "betrokkene verblijft in de opvang" in " ".join(pdf_text(tmp_path / "v2.pdf").split())
    letter.locator("a", has_text="Goedkeuren").click()  # the page asks first, naming the version
    page.click("button:has-text('Ja, goedkeuren')")
    assert "goedgekeurd door bea op 17 april 2026 om 12:00" in _letter(page, "voornemen-intrekking").inner_text()
    # A drafted letter approved as it is gets the behandelaar's name: that new version is what is approved.
    assert "vervallen" in _letter(page, "beschikking-verlening").inner_text()  # the grant recorded by hand
    page.goto(f"{site}/cases/2889683530")
    _letter(page, "beschikking-verlening").locator("a", has_text="Goedkeuren").click()
    page.click("button:has-text('Ja, goedkeuren')")
    grant = _letter(page, "beschikking-verlening")
    assert "versie 2" in grant.inner_text() and "goedgekeurd door bea" in grant.inner_text()
    word = page.request.get(site + grant.locator("a", has_text="-v2.docx").get_attribute("href")).body()
    (tmp_path / "grant.docx").write_bytes(word)
    assert "[naam behandelaar]" not in docx_text(tmp_path / "grant.docx") and "bea" in docx_text(tmp_path / "grant.docx")
    page.close()

    page = _login(browser, site, "cor")
    page.goto(f"{site}/cases/5878505886")
    _letter(page, "voornemen-intrekking").locator("a", has_text="Medeondertekenen").click()
    page.click("button:has-text('Ja, medeondertekenen')")
    assert "medeondertekend door cor op 17 april 2026" in _letter(page, "voornemen-intrekking").inner_text()
    page.close()

    page = _login(browser, site, "bea")  # a final letter cannot change, not even by a direct POST
    page.goto(f"{site}/cases/5878505886")
    letter = _letter(page, "voornemen-intrekking")
    assert letter.locator("input[type=file]").count() == 0
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    letter_id = _letter_id("5878505886", "voornemen-intrekking")
    response = page.request.post(f"{site}/letters/{letter_id}/upload", multipart={"csrf": csrf, "version": "2", "docx": {
        "name": "x.docx", "mimeType": "application/octet-stream", "buffer": corrected.read_bytes()}})
    assert response.status == 409
    final = SITE_DATA[0] / "outbox" / "5878505886" / "5878505886-voornemen-intrekking-v2.docx"
    assert final.stat().st_mode & 0o222 == 0  # read-only on disk
    page.close()


def _letter_id(v_nummer: str, kind: str) -> int:
    import sqlite3

    with sqlite3.connect(SITE_DATA[0] / "docgen.sqlite3") as db:
        return db.execute("SELECT id FROM letters WHERE v_nummer = ? AND kind = ?", (v_nummer, kind)).fetchone()[0]


def test_what_a_role_must_not_do_is_refused_also_by_direct_post(browser, site):
    page = _login(browser, site, "mona")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post(f"{site}/versions/1/approve", form={"csrf": csrf}, max_redirects=0)
    assert response.status == 403  # a monitor may not approve
    page.close()
    page = _login(browser, site, "bea")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    assert page.request.post(f"{site}/versions/1/cosign", form={"csrf": csrf}).status == 403  # behandelaar ≠ co-signer
    assert page.request.post(f"{site}/versions/1/approve", form={}).status in (400, 409)  # no CSRF token, or final
    assert page.goto(f"{site}/templates").status == 403
    page.close()


def test_the_template_maintainer_sees_the_check_and_everyone_the_report(browser, site):
    page = _login(browser, site, "tom")
    assert page.url.endswith("/templates") and "Alle sjablonen zijn in orde" in page.inner_text("main")
    _shot(page, "templates")
    preview = page.request.get(site + page.locator("a", has_text="Beschikking intrekking").get_attribute("href"))
    assert preview.headers["content-type"] == "application/pdf" and preview.body().startswith(b"%PDF")
    page.goto(f"{site}/report")
    assert "sepot → voornemen tot intrekking" in page.inner_text("main")
    page.close()


def test_an_admin_sees_every_page(browser, site):
    page = _login(browser, site, "ada")
    for path in ("/inbox", "/cases", "/cases/2956047063", "/templates", "/report"):
        assert page.goto(site + path).status == 200, path
    page.close()


def test_a_session_expires(tmp_path):
    import re
    import time as clock

    from werkzeug.security import generate_password_hash

    from docgen.config import Settings
    from docgen.register.store import Reviews, Store
    from docgen.web import create_app

    settings = Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    with Store(settings.database) as store:
        Reviews(store).add_user("bea", generate_password_hash(PASSWORD, method="scrypt"), "behandelaar")
    client = create_app(settings).test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "bea", "password": PASSWORD, "csrf": csrf})
    assert client.get("/cases").status_code == 200
    with Store(settings.database) as store:  # the register, not the cookie, says when a session ends
        store.db.execute("UPDATE web_sessions SET expires_at = ?", (clock.time() - 1,))
    response = client.get("/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_accounts_are_listed_and_removed_from_the_command_line(tmp_path):
    env = {**os.environ, "DOCGEN_PASSWORD": PASSWORD}
    data = str(tmp_path / "var")
    subprocess.run([*DOCGEN, "users", "add", "eva", "--role", "monitor", "--data", data], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    assert "eva" in run_docgen("users", "list", "--data", data).stdout
    run_docgen("users", "remove", "eva", "--data", data)
    assert "eva" not in run_docgen("users", "list", "--data", data).stdout
    short = subprocess.run([*DOCGEN, "users", "add", "kim", "--data", data], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "DOCGEN_PASSWORD": "kort"})
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
