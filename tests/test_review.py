"""Four-eyes review holds under concurrency, on SQLite and PostgreSQL: a final letter never changes, two
uploads never both win, and a co-signature finalises exactly the version the co-signer read."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import docx
import pytest
from conftest import ROOT, SAMPLE, copy_messages

from docgen.clock import Clock
from docgen.config import Settings
from docgen.pipeline import Pipeline
from docgen.register.drafts import Drafts
from docgen.register.store import Reviews, Store
from docgen.review import Refused, approve, correct, cosign
from docgen.sources.folder import FolderSource
from docgen.watcher import drain

V = "5878505886"
CLOCK = Clock.on(dt.date(2026, 3, 9))
BEA = {"name": "bea", "naam": "B. de Behandelaar", "telefoon": "088 000 00 01"}


@pytest.fixture
def register(database_url, tmp_path, monkeypatch):
    """A case with a drafted voornemen: the M55 and the sepot of 5878505886, and the grant the unit made
    before the sepot came in, recorded by hand."""
    monkeypatch.setenv("DOCGEN_DATABASE_URL", database_url if database_url.startswith("postgres") else "")
    settings = Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    copy_messages(["0008.eml", "0014.eml"], SAMPLE, tmp_path / "inbox")
    store = Store(database_url if database_url.startswith("postgres") else settings.database)
    pipeline = Pipeline(settings, store=store, clock=CLOCK)
    drain(pipeline, FolderSource(tmp_path / "inbox", settle_seconds=0), draft=False)
    Reviews(store).record_decision(V, "besluit_verlening", dt.date(2026, 2, 23), {"uitkomst": "verleend"}, "bea",
                                   CLOCK.now())
    pipeline.drafter.reassess(V)
    pipeline.draft_due()
    yield settings, store, database_url if database_url.startswith("postgres") else str(settings.database)
    store.close()


def _voornemen(store):
    return next(l for l in Drafts(store).letters(V) if l.kind == "voornemen-intrekking")


def _corrected(settings: Settings, version, words: str) -> bytes:
    document = docx.Document(io.BytesIO((settings.data / version.docx_path).read_bytes()))
    cells = (c for t in document.tables for r in t.rows for c in r.cells)
    for paragraph in [*document.paragraphs, *(p for c in cells for p in c.paragraphs)]:
        if "[naam behandelaar]" in paragraph.text:
            paragraph.text = paragraph.text.replace("[naam behandelaar]", "B. de Behandelaar")
    document.add_paragraph(words)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_two_uploads_at_once_one_wins_and_the_drafted_version_is_kept(register):
    settings, store, url = register
    letter = _voornemen(store)
    data = [_corrected(settings, letter.latest, f"Correctie {n}.") for n in range(4)]
    results: list = []

    def upload(n):
        with Store(url) as own:
            try:
                results.append(correct(settings, own, letter.id, 1, f"user{n}", data[n], CLOCK).number)
            except Refused as exc:
                results.append(exc.reason)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r for r in results if isinstance(r, int)) == [2]
    assert all("nieuwere versie" in r for r in results if isinstance(r, str))
    letter = _voornemen(store)
    assert [(v.number, v.status) for v in letter.versions] == [(1, "vervangen"), (2, "concept")]
    files = sorted(p.name for p in (settings.outbox / V).glob("*voornemen*"))
    assert files == [f"{V}-voornemen-intrekking-v{n}.{ext}" for n in (1, 2) for ext in ("docx", "pdf")]


def test_a_cosign_during_an_upload_never_finalises_other_text(register):
    settings, store, url = register
    letter = _voornemen(store)
    v2 = correct(settings, store, letter.id, 1, "bea", _corrected(settings, letter.latest, "Eerste correctie."), CLOCK)
    approve(settings, store, v2.id, BEA, v2.docx_sha256, CLOCK)
    later = _corrected(settings, v2, "Tweede correctie, na de goedkeuring.")
    outcome: dict = {}

    def do_cosign():
        with Store(url) as own:
            try:
                outcome["cosign"] = cosign(settings, own, v2.id, "cor", v2.docx_sha256, CLOCK).status
            except Refused as exc:
                outcome["cosign"] = exc.reason

    def do_upload():
        with Store(url) as own:
            try:
                outcome["upload"] = correct(settings, own, letter.id, 2, "bea", later, CLOCK).number
            except Refused as exc:
                outcome["upload"] = exc.reason

    threads = [threading.Thread(target=do_cosign), threading.Thread(target=do_upload)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    letter = _voornemen(store)
    if outcome["cosign"] == "definitief":  # the co-signer was first: the letter is final as read
        assert isinstance(outcome["upload"], str) and letter.state == "definitief"
        assert letter.latest.number == 2 and letter.final_version.docx_sha256 == v2.docx_sha256
    else:  # the upload was first: the co-signature of an older version is refused
        assert outcome["upload"] == 3 and "nieuwere versie" in outcome["cosign"]
        assert letter.state == "concept" and letter.final_version is None


def test_the_cosign_names_the_version_that_was_read(register):
    settings, store, _ = register
    letter = _voornemen(store)
    v2 = correct(settings, store, letter.id, 1, "bea", _corrected(settings, letter.latest, "Versie twee."), CLOCK)
    approve(settings, store, v2.id, BEA, v2.docx_sha256, CLOCK)
    read_by_cor = v2  # the contactpersoon opens version 2 ...
    v3 = correct(settings, store, letter.id, 2, "bea", _corrected(settings, v2, "Versie drie."), CLOCK)
    approve(settings, store, v3.id, BEA, v3.docx_sha256, CLOCK)
    with pytest.raises(Refused, match="nieuwere versie"):  # ... and co-signs it: refused, v3 is not what was read
        cosign(settings, store, read_by_cor.id, "cor", read_by_cor.docx_sha256, CLOCK)
    with pytest.raises(Refused, match="niet de versie die u heeft geopend"):
        cosign(settings, store, v3.id, "cor", read_by_cor.docx_sha256, CLOCK)
    final = cosign(settings, store, v3.id, "cor", v3.docx_sha256, CLOCK)
    assert final.status == "definitief" and final.number == 3


def test_a_final_letter_is_read_only_and_refused_in_code(register):
    settings, store, _ = register
    letter = _voornemen(store)
    v2 = correct(settings, store, letter.id, 1, "bea", _corrected(settings, letter.latest, "Definitief."), CLOCK)
    approve(settings, store, v2.id, BEA, v2.docx_sha256, CLOCK)
    with pytest.raises(Refused, match="Medeondertekenen doet een ander"):
        cosign(settings, store, v2.id, "bea", v2.docx_sha256, CLOCK)
    cosign(settings, store, v2.id, "cor", v2.docx_sha256, CLOCK)
    for rel in (v2.docx_path, v2.pdf_path):
        assert (settings.data / rel).stat().st_mode & 0o222 == 0
    with pytest.raises(Refused, match="definitief"):
        correct(settings, store, letter.id, 2, "bea", _corrected(settings, v2, "Te laat."), CLOCK)


def test_nothing_unfinished_is_approved(register):
    settings, store, _ = register
    letter = _voornemen(store)
    document = docx.Document(io.BytesIO((settings.data / letter.latest.docx_path).read_bytes()))
    document.add_paragraph("[OPEN PUNT — motiveer hier] nog te doen")
    out = io.BytesIO()
    document.save(out)
    v2 = correct(settings, store, letter.id, 1, "bea", out.getvalue(), CLOCK)
    with pytest.raises(Refused, match="Nog niet af: .*OPEN PUNT"):
        approve(settings, store, v2.id, BEA, v2.docx_sha256, CLOCK)


def test_approving_a_drafted_letter_writes_the_behandelaar_into_it(register):
    settings, store, _ = register
    letter = _voornemen(store)
    approved = approve(settings, store, letter.latest.id, BEA, letter.latest.docx_sha256, CLOCK)
    assert approved.number == 2 and approved.status == "goedgekeurd" and approved.approved_by == "bea"
    text = "\n".join(p.text for p in docx.Document(str(settings.data / approved.docx_path)).paragraphs)
    assert "B. de Behandelaar" in text and "[naam behandelaar]" not in text
    assert Path(settings.data / letter.latest.docx_path).exists()  # version 1 is kept


def test_letters_are_kept_inside_the_data_directory_whatever_the_working_directory(register, tmp_path,
                                                                                    monkeypatch):
    from docgen.outbox import inside

    settings, store, _ = register
    monkeypatch.chdir(tmp_path)  # another working directory than the one the register was made in
    letter = _voornemen(store)
    assert not Path(letter.latest.docx_path).is_absolute() and letter.latest.docx_path.startswith("outbox/")
    v2 = correct(settings, store, letter.id, 1, "bea", _corrected(settings, letter.latest, "Elders."), CLOCK)
    assert (settings.data / v2.docx_path).is_file() and not (tmp_path / v2.docx_path).exists()
    with pytest.raises(ValueError, match="outside the data directory"):
        inside(settings.data, "../../etc/passwd")
