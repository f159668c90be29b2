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


def write_new(outbox: Path, path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: complete and exclusive (FileExistsError when another writer got
    there first), so two writers of one version can never both win."""
    write_atomic(path, data, outbox.parent / PARTIAL, exclusive=True)


def clean_partial(outbox: Path, older_than_seconds: float = 600) -> int:
    """Remove what killed writers left in .partial (old enough that no live writer still owns it)."""
    import time

    removed = 0
    for leftover in (outbox.parent / PARTIAL).glob(".tmp-*"):
        if time.time() - leftover.stat().st_mtime > older_than_seconds:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def version_paths(v_nummer: str, kind: str, sequence: int, number: int) -> tuple[Path, Path]:
    """Where one version of a letter lives, relative to the data directory: a new version gets new files,
    so nothing a reviewer opened is ever overwritten. The name is the one staff download."""
    if not _V.match(v_nummer):
        raise ValueError(f"not a V-nummer: {v_nummer!r}")
    stem = f"{v_nummer}-{kind}" + (f"-{sequence}" if sequence > 1 else "") + f"-v{number}"
    folder = Path("outbox") / v_nummer
    return folder / f"{stem}.docx", folder / f"{stem}.pdf"


def inside(data: Path, relative: str) -> Path:
    """A stored path, resolved under the data directory; anything that points elsewhere is refused."""
    root = data.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"path outside the data directory: {relative!r}")
    return path


def freeze(path: Path) -> None:
    """A final letter's files are read-only on disk (and refused in code)."""
    if path.exists():
        os.chmod(path, 0o400)


PARTIAL = ".partial"  # in the data directory, beside the outbox: staff only ever see complete files


def write_atomic(path: Path, data: bytes, partial: Path | None = None, exclusive: bool = False) -> None:
    """Write to a temporary file, then rename (or, `exclusive`, hard-link, which fails when the name is
    taken): a crash never leaves half a file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial or path.parent
    partial.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=partial, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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
