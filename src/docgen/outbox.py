"""The only place that writes drafts (var/outbox/<V-nummer>/<letter>.docx and .pdf, atomically)
or sends mail (a draft to the reviewers' address)."""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import smtplib
import tempfile
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger("docgen.outbox")

_V = re.compile(r"^\d{10}$")


def write_draft(outbox: Path, path: Path, data: bytes) -> None:
    write_atomic(path, data, outbox.parent / PARTIAL)


def keep_version(path: Path, version: int) -> None:
    """Keep the text a draft had before a correction replaced it: <name>.v<version><suffix>."""
    if path.exists():
        os.replace(path, path.with_name(f"{path.stem}.v{version}{path.suffix}"))


def clean_partial(outbox: Path, older_than_seconds: float = 600) -> int:
    """Remove what killed writers left in .partial (old enough that no live writer still owns it)."""
    import time

    removed = 0
    for leftover in (outbox.parent / PARTIAL).glob(".tmp-*"):
        if time.time() - leftover.stat().st_mtime > older_than_seconds:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def draft_paths(outbox: Path, v_nummer: str, stem: str, sequence: int) -> tuple[Path, Path]:
    if not _V.match(v_nummer):
        raise ValueError(f"not a V-nummer: {v_nummer!r}")
    name = stem if sequence <= 1 else f"{stem}-{sequence}"
    folder = outbox / v_nummer
    return folder / f"{name}.docx", folder / f"{name}.pdf"


PARTIAL = ".partial"  # in the data directory, beside the outbox: staff only ever see complete files


def write_atomic(path: Path, data: bytes, partial: Path | None = None) -> None:
    """Write to a temporary file, then rename: a crash never leaves half a file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial or path.parent
    partial.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=partial, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def send_for_review(review, drafted) -> None:
    """Mail a fresh draft to the reviewers. The subject names letter and V-nummer only."""
    msg = EmailMessage()
    msg["From"] = review.sender
    msg["To"] = review.to
    msg["Subject"] = f"Concept ter beoordeling: {drafted.letter} V-nummer {drafted.v_nummer}"
    msg.set_content(f"Een concept staat klaar: {drafted.letter} voor V-nummer {drafted.v_nummer}.\n"
                    "Beoordeel en corrigeer het voordat het wordt verzonden.\n")
    for path in (drafted.docx, drafted.pdf):
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(Path(path).read_bytes(), maintype=maintype, subtype=subtype, filename=Path(path).name)
    with smtplib.SMTP(review.smtp_host, review.smtp_port, timeout=30) as smtp:
        smtp.send_message(msg)
    log.info("sent for review v_nummer=%s letter=%s", drafted.v_nummer, drafted.letter)
