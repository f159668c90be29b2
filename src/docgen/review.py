"""Four-eyes review of a letter, the same from the web page and the command line: approve, co-sign, correct.

Nothing unfinished becomes final: approve and co-sign are refused while a placeholder or an open point
remains (letters/unfinished.py). The behandelaar who approves a drafted version is written into the
letter: docgen renders it again with their name and contact details, and that new version is the one
approved. A corrected DOCX is checked (letters/upload.py), its PDF made from it, and both stored under a
new version; a final letter's files are made read-only.
"""

from __future__ import annotations

from pathlib import Path

from docgen.clock import Clock
from docgen.config import Settings
from docgen.drafter import PLACEHOLDER_BEHANDELAAR, render_context
from docgen.letters.catalogue import by_name
from docgen.letters.render import render_letter, render_pdf
from docgen.letters.unfinished import docx_unfinished
from docgen.outbox import freeze, inside, version_paths, write_new
from docgen.register.drafts import CONCEPT, Drafts, Refused, Version
from docgen.register.store import Store, sha256

__all__ = ["Refused", "approve", "cosign", "correct", "read_version"]


def read_version(settings: Settings, version: Version) -> bytes:
    """The DOCX of a version as stored; refused when the file on disk is not what was recorded."""
    data = inside(settings.data, version.docx_path).read_bytes()
    if sha256(data) != version.docx_sha256:
        raise Refused("Het bestand van deze versie is gewijzigd buiten docgen om; het kan niet worden goedgekeurd.")
    return data


def _blocking(points: list[str], allow_behandelaar: bool) -> list[str]:
    return [p for p in points if not (allow_behandelaar and p == PLACEHOLDER_BEHANDELAAR)]


def approve(settings: Settings, store: Store, version_id: int, user: dict, digest: str, clock: Clock) -> Version:
    """`user` is the approving account: name, and naam/telefoon/email for the letter."""
    drafts = Drafts(store)
    letter, version = drafts.require(version_id)
    if version.status != CONCEPT:
        raise Refused(f"Alleen een concept kan worden goedgekeurd; deze versie is {version.status}.")
    if digest != version.docx_sha256:
        raise Refused("De versie die u goedkeurt is niet de versie die u heeft geopend.")
    data = read_version(settings, version)
    points = docx_unfinished(data)
    generated = version.origin == "gemaakt" and PLACEHOLDER_BEHANDELAAR in points
    blocking = _blocking(points, allow_behandelaar=generated)
    if blocking:
        raise Refused("Nog niet af: " + "; ".join(p[:80] for p in blocking) + ". Werk het concept bij (upload een "
                      "correctie) en keur dan goed.")
    if not generated:
        return drafts.approve(version_id, user["name"], digest, clock.now())
    # Write the behandelaar into the letter: a new version, approved by them, is what the co-signer reads.
    kind = by_name(letter.kind)
    context = render_context(version.facts, settings.templates, clock.today(),
                             {"naam": user.get("naam") or user["name"], "telefoon": user.get("telefoon", ""),
                              "email": user.get("email", "")})
    rendered = render_letter(settings.templates / f"{kind.template}.docx", context, kind.title)
    left = docx_unfinished(rendered.docx)
    if left:
        raise Refused("Nog niet af: " + "; ".join(p[:80] for p in left))
    return _store_new(settings, drafts, letter, version.number, "goedkeuring", user["name"], rendered.docx,
                      rendered.pdf, clock, approved=True, reason=f"goedgekeurd door {user['name']}; met zijn of haar "
                      "naam als behandelaar opnieuw opgemaakt", letter_date=clock.today())


def correct(settings: Settings, store: Store, letter_id: int, expected: int, user: str, data: bytes,
            clock: Clock, filename: str = "", render_seconds: float | None = 60) -> Version:
    """A corrected DOCX from Word or LibreOffice replaces the latest version, which is kept. Only what a
    letter needs is accepted (letters/upload.py); its PDF is made in a child process with limits."""
    from docgen.letters.bounded import render_pdf_bounded
    from docgen.letters.upload import UploadRefused, sanitize_upload

    drafts = Drafts(store)
    letter = drafts.letter(letter_id)
    if letter is None:
        raise Refused("Deze brief bestaat niet.")
    if letter.state in ("definitief", "achterhaald"):
        raise Refused("Deze brief is definitief en kan niet meer veranderen.")
    title = by_name(letter.kind).title
    try:
        clean = sanitize_upload(data, filename)
        pdf = render_pdf(clean, settings.templates, title) if render_seconds is None else \
            render_pdf_bounded(clean, settings.templates, title, render_seconds)
    except UploadRefused as exc:
        raise Refused(str(exc)) from None
    return _store_new(settings, drafts, letter, expected, "correctie", user, clean, pdf, clock, approved=False,
                      reason=f"vervangen door een correctie van {user}", letter_date=None)


def _store_new(settings, drafts, letter, expected, origin, user, docx_bytes, pdf_bytes, clock, approved, reason,
               letter_date):
    written: list[Path] = []

    def place(number: int) -> tuple[str, str]:
        docx_rel, pdf_rel = version_paths(letter.v_nummer, letter.kind, letter.sequence, number)
        for rel, data in ((docx_rel, docx_bytes), (pdf_rel, pdf_bytes)):
            path = settings.data / rel
            try:
                write_new(settings.outbox, path, data)
            except FileExistsError:
                raise Refused(f"Er is intussen een nieuwere versie (versie {number}); uw wijziging is niet "
                              "opgeslagen.") from None
            written.append(path)
        return str(docx_rel), str(pdf_rel)

    try:
        return drafts.add_version(letter.id, expected, origin, user, place, sha256(docx_bytes), letter_date,
                                  docx_unfinished(docx_bytes), clock.now(), approved, reason)
    except BaseException:
        for path in written:  # the register said no: these files belong to no version
            path.unlink(missing_ok=True)
        raise


def cosign(settings: Settings, store: Store, version_id: int, user: str, digest: str, clock: Clock) -> Version:
    drafts = Drafts(store)
    _, version = drafts.require(version_id)
    points = docx_unfinished(read_version(settings, version))
    if points:
        raise Refused("Nog niet af: " + "; ".join(p[:80] for p in points))
    _, final = drafts.cosign(version_id, user, digest, clock.now())
    for rel in (final.docx_path, final.pdf_path):
        freeze(inside(settings.data, rel))
    return final


def version_file(settings: Settings, version: Version, kind: str) -> Path:
    return inside(settings.data, version.docx_path if kind == "docx" else version.pdf_path)
