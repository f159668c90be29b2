"""Search, filters, sorting and pages of 50 on the case list and the inbox; the report's period and CSV; the
manager who reads and never acts; errors as Dutch pages inside the layout. Through Flask's test client on a
register made by `docgen run` from corpus mail, with 130 more cases as the drafter lists them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil

import pytest
from conftest import HOSTILE, ROOT, SAMPLE, run_docgen
from web_helpers import PASSWORD

from docgen.clock import Clock
from docgen.config import Settings
from docgen.register.report import type_counts
from docgen.register.store import Reviews, Store
from docgen.web import create_app
from docgen.web.auth import hash_password

TODAY = dt.date(2026, 4, 17)
SEPOT = "2956047063"  # 0042.eml


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    data = tmp_path_factory.mktemp("lists") / "var"
    inbox = data.parent / "inbox"
    inbox.mkdir()
    for name in ("0042.eml", "0033.eml", "0012.eml", "0001.eml", "0004.eml"):
        shutil.copy(SAMPLE / name, inbox / name)
    shutil.copy(HOSTILE / "h07_rtlo_filename.eml", inbox / "h07.eml")
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", "--today", TODAY.isoformat())
    settings = Settings(data=data, rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    with Store(settings.database) as store:
        with store.db.transaction():
            for n in range(130):  # what the drafter keeps per case; every 3rd overdue, every 10th a Zoë
                v = f"{1000000000 + n}"
                store.mark_dirty(v)
                store.save_case({"v_nummer": v, "state": "zienswijzetermijn" if n % 2 else "aanvraag",
                                 "naam": "Zoë Jansen" if n % 10 == 0 else f"Persoon {n:03d}",
                                 "geboortedatum": "1990-01-01", "parketnummer": f"09/{n:06d}-25",
                                 "next_due": (TODAY + dt.timedelta(days=n % 3 * 20 - 5)).isoformat(),
                                 "next_label": "Voornemen tot intrekking", "overdue": n % 3 == 0, "waiting": n == 7,
                                 "attention": False, "next_check": None, "steps": {}}, [])
        for name, role in (("mona", "monitor"), ("bea", "behandelaar"), ("max", "manager")):
            Reviews(store).add_user(name, hash_password(PASSWORD), role)
    return settings


def client(settings, name: str | None):
    app = create_app(settings, Clock.on(TODAY))
    web = app.test_client()
    if name:
        token = re.search(r'name="csrf" value="([^"]+)"', web.get("/login").text).group(1)
        assert web.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 302
    return web


def case_rows(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/(\d{10})">', html)


@pytest.mark.parametrize("q, expected", [("zoe jansen", 13), ("ZOË", 13), ("1000.000.042", 1), ("1000 000 042", 1),
                                         ("09/000042", 1), (SEPOT, 1), ("oyuun", 1), ("niemand-zo", 0)],
                         ids=["name", "accents and case", "v with dots", "v with spaces", "parketnummer",
                              "v of a real case", "name of a real case", "nothing"])
def test_the_case_list_finds_a_name_a_v_nummer_or_a_parketnummer(settings, q, expected):
    page = client(settings, "bea").get("/cases", query_string={"q": q}).text
    assert f"({expected})</caption>" in page
    if not expected:
        assert "Geen zaken gevonden." in page


def test_the_case_list_shows_50_rows_a_page_and_keeps_its_filters_between_pages(settings):
    web = client(settings, "bea")
    first = web.get("/cases").text
    assert len(case_rows(first)) == 50 and "1–50 van 132" in first  # 130 listed + the two drafted cases
    following = re.search(r'href="([^"]+)">Volgende pagina', first).group(1).replace("&amp;", "&")
    assert "51–100 van 132" in web.get(following).text
    last = web.get("/cases?pagina=99").text  # beyond the end: the last page
    assert len(case_rows(last)) == 32 and "pagina 3 van 3" in last
    overdue = web.get("/cases?termijn=verlopen&toestand=aanvraag").text
    rows = case_rows(overdue)
    assert rows and all(int(v) % 2 == 0 for v in rows if v.startswith("1000"))  # aanvraag: the even ones
    link = re.search(r'href="([^"]+)">naam<span', overdue).group(1).replace("&amp;", "&")
    assert "termijn=verlopen" in link and "toestand=aanvraag" in link and "sorteer=naam" in link


def test_the_case_list_sorts_by_a_column_both_ways(settings):
    web = client(settings, "bea")
    up = case_rows(web.get("/cases?sorteer=v_nummer&richting=op").text)
    down = case_rows(web.get("/cases?sorteer=v_nummer&richting=af").text)
    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] != down[0]
    assert 'aria-sort="descending"' in web.get("/cases?sorteer=uiterlijk&richting=af").text
    urgent = web.get("/cases").text.split("<tbody>")[1].split("</tr>")  # the default: overdue first
    overdue = ["(verlopen)" in row for row in urgent[:-1]]
    assert overdue[0] and overdue == sorted(overdue, reverse=True)


def test_the_inbox_finds_v_nummer_sender_and_subject_and_filters_by_status_and_type(settings):
    web = client(settings, "mona")
    assert f"<td>{SEPOT}</td>" in web.get("/inbox", query_string={"q": "2956.047.063"}).text
    assert "bosman@rechtshulpzuid.nl" in web.get("/inbox", query_string={"q": "BOSMAN"}).text
    quarantined = web.get("/inbox?status=quarantaine").text
    assert quarantined.count('<tr class="quarantined">') == 1 and '<tr class="classified">' not in quarantined
    zienswijzen = web.get("/inbox?soort=zienswijze").text
    assert "Zienswijze voornemen tot intrekking" in zienswijzen and "Sepot" not in zienswijzen


def test_the_report_counts_messages_as_the_register_does(settings):
    from docgen.web.reporting import message_counts

    with Store(settings.database) as store:
        for start, end in ((None, None), (dt.date(2026, 3, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), None)):
            expected = {k: {"totaal": c["totaal"], "triage": c["triage"]}
                        for k, c in type_counts(store.messages(), start, end).items()}
            assert message_counts(store, start, end) == expected


def test_the_report_takes_a_period_in_dutch_and_downloads_the_same_tables_as_csv(settings):
    web = client(settings, "max")
    page = web.get("/report?from=01-03-2026&to=31 maart 2026")
    assert page.status_code == 200 and "1 maart 2026 tot en met 31 maart 2026" in page.text
    assert "&lt;bound method" not in page.text and "Counter" not in page.text
    answer = web.get("/report?format=csv&from=01-03-2026&to=2026-03-31")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="docgen-rapportage-2026-03-01-2026-03-31.csv"'
    assert answer.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert {r[0] for r in rows[1:]} == {"doorlooptijd", "berichten", "zaken"}
    per_case = web.get("/report?format=csv&tabel=per-zaak").data.decode("utf-8-sig").splitlines()
    assert per_case[0].startswith("v_nummer;toestand;aangifte → sepot") and any(SEPOT in r for r in per_case)
    wrong = web.get("/report?from=31-02-2026")
    assert wrong.status_code == 400 and "‘31-02-2026’ is geen datum" in wrong.text and 'value="31-02-2026"' in wrong.text
    backwards = web.get("/report?from=2026-04-01&to=2026-03-01")
    assert "De begindatum ligt na de einddatum" in backwards.text


def test_the_manager_reads_cases_and_the_report_and_acts_on_nothing(settings):
    web = client(settings, "max")
    for path in ("/report", "/cases", f"/cases/{SEPOT}", "/report?format=csv"):
        assert web.get(path).status_code == 200, path
    with Store(settings.database) as store:
        version = store.db.scalar("SELECT MIN(id) FROM versions")
        message = store.db.scalar("SELECT MIN(id) FROM messages")
    for path in ("/inbox", f"/messages/{message}", f"/versions/{version}/docx", f"/versions/{version}/approve",
                 "/vandaag", "/werk/concepten", "/templates"):
        assert web.get(path).status_code == 403, path
    token = re.search(r'name="csrf" value="([^"]+)"', web.get("/cases").text).group(1)
    assert web.post(f"/versions/{version}/approve", data={"csrf": token}).status_code == 403
    menu = web.get("/cases").text
    assert ">Zaken<" in menu and ">Rapportage<" in menu and ">Inbox<" not in menu


@pytest.mark.parametrize("who, path, status, words", [
    ("bea", "/cases/0000000000", 404, "Er is geen zaak met dit V-nummer."),
    ("mona", "/messages/99999", 404, "Dit bericht bestaat niet."),
    ("mona", "/cases", 403, "Uw rol geeft geen toegang"),
    ("bea", "/versions/99999/approve", 404, "Deze versie van de brief bestaat niet."),
    ("bea", "/nergens", 404, "bestaat niet (meer)"),
], ids=["no case", "no message", "wrong role", "no version", "no page"])
def test_errors_are_dutch_pages_inside_the_layout(settings, who, path, status, words):
    answer = client(settings, who).get(path)
    assert answer.status_code == status and words in answer.text
    assert 'lang="nl"' in answer.text and "Naar de inhoud" in answer.text and "Uitloggen" in answer.text


def test_a_form_without_its_token_and_a_crash_are_dutch_pages_too(settings):
    web = client(settings, "bea")
    answer = web.post("/versions/1/approve", data={})
    assert answer.status_code == 400 and "Het formulier was verlopen" in answer.text
    app = create_app(settings, Clock.on(TODAY))

    @app.route("/kapot")
    def broken():
        raise RuntimeError("boom")

    crashed = app.test_client().get("/kapot")
    assert crashed.status_code == 500 and "Er ging bij docgen iets mis" in crashed.text and "boom" not in crashed.text


def test_a_refused_approval_is_said_inside_the_case_page(settings):
    web = client(settings, "bea")
    with Store(settings.database) as store:
        version = store.db.scalar("SELECT MIN(v.id) FROM versions v JOIN letters l ON l.id = v.letter_id"
                                  " WHERE l.v_nummer = ? AND v.status = 'concept'", (SEPOT,))
    token = re.search(r'name="csrf" value="([^"]+)"', web.get(f"/cases/{SEPOT}").text).group(1)
    answer = web.post(f"/versions/{version}/approve", data={"csrf": token, "sha256": "0" * 64})
    assert answer.status_code == 409
    assert "Niet goedgekeurd: De versie die u goedkeurt is niet de versie die u heeft geopend." in answer.text
    assert f"Zaak {SEPOT}" in answer.text  # the case page itself, with the reason on it


def test_the_header_counts_what_waits_for_each_role(settings):
    with Store(settings.database) as store:
        waiting = store.db.scalar("SELECT COUNT(*) FROM messages WHERE status IN ('triage', 'quarantined')")
        concepts = store.db.scalar("SELECT COUNT(*) FROM letters WHERE state = 'concept'")
    monitor = client(settings, "mona").get("/inbox").text
    assert re.search(rf'>Triage <span class="count" aria-label="{waiting} open">{waiting}</span>', monitor)
    behandelaar = client(settings, "bea").get("/vandaag").text
    assert re.search(rf'>Mijn concepten <span class="count"[^>]*>{concepts}</span>', behandelaar)
    assert "Triage" not in behandelaar.split("</nav>")[0]


def test_the_lists_answer_alike_on_sqlite_and_postgresql(database_url):
    from docgen.model import Classification
    from docgen.register.lists import Lists

    with Store(database_url) as store:
        with store.db.transaction():
            for n, naam in enumerate(("Zoë Jansen", "Li Sesay", "Grace Conteh")):
                v = f"200000000{n}"
                store.mark_dirty(v)
                store.save_case({"v_nummer": v, "state": "aanvraag", "naam": naam, "geboortedatum": "1990-01-01",
                                 "parketnummer": f"09/00000{n}-25", "next_due": f"2026-04-{16 + n}",
                                 "next_label": "Beschikking verlening", "overdue": n == 0, "waiting": False,
                                 "attention": False, "next_check": None, "steps": {}}, [])
        for n, status in enumerate(("classified", "triage")):
            result = Classification("zienswijze", () if status == "triage" else ("2000000001",), status == "triage",
                                    {"datum": "2026-04-10"}, triage_reasons=("no V-nummer found in this zienswijze",))
            store.record(digest=f"{n:064x}", source="t", key=str(n), name=f"{n}.eml", message_id="",
                         received=dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC), result=result,
                         sender="pinas@rechtshulpzuid.nl", sender_name="mr. R. Pinas", subject=f"Zienswijze {n}")
        lists = Lists(store)
        assert [r["naam"] for r in lists.cases(TODAY, q="jansen").rows] == ["Zoë Jansen"]
        assert [r["v_nummer"] for r in lists.cases(TODAY, q="2000.000.002").rows] == ["2000000002"]
        assert lists.cases(TODAY, deadline="verlopen").total == 1  # overdue: due before today
        assert [r["naam"] for r in lists.cases(TODAY, sort="naam", descending=True).rows][0] == "Zoë Jansen"
        assert lists.messages(q="PINAS").total == 2 and lists.messages(status="open").total == 1
        assert lists.messages(q="2000000001").total == 1
        assert lists.counts("monitor", "mona", TODAY) == {"triage": 1}
        assert lists.deadlines_this_week(TODAY).total == 3


def test_the_approval_page_says_before_the_button_why_a_version_cannot_be_approved(settings):
    web = client(settings, "bea")
    with Store(settings.database) as store:
        concept = store.db.scalar("SELECT MIN(id) FROM versions WHERE status = 'concept'")
    page = web.get(f"/versions/{concept}/approve").text
    assert "Ja, goedkeuren" in page and 'name="sha256"' in page
    cosign = client(settings, "bea").get(f"/versions/{concept}/cosign")
    assert cosign.status_code == 403  # a behandelaar does not co-sign
    with Store(settings.database) as store:
        Reviews(store).add_user("cor", hash_password(PASSWORD), "contactpersoon")
    page = client(settings, "cor").get(f"/versions/{concept}/cosign").text
    assert "Alleen een goedgekeurde versie kan worden medeondertekend; deze versie is concept." in page
    assert "Ja, medeondertekenen" not in page


def test_a_version_downloads_under_its_case_and_number_and_its_pdf_shows_in_the_browser(settings):
    web = client(settings, "bea")
    with Store(settings.database) as store:
        version = store.db.scalar("SELECT MIN(v.id) FROM versions v JOIN letters l ON l.id = v.letter_id"
                                  " WHERE l.v_nummer = ? AND l.kind = 'voornemen-intrekking'", (SEPOT,))
    download = web.get(f"/versions/{version}/docx")
    download.close()
    assert download.headers["Content-Disposition"] == f"attachment; filename={SEPOT}-voornemen-intrekking-v1.docx"
    shown = web.get(f"/versions/{version}/pdf?bekijken=1")
    shown.close()
    assert shown.headers["Content-Disposition"] == f"inline; filename={SEPOT}-voornemen-intrekking-v1.pdf"
    assert shown.mimetype == "application/pdf"
