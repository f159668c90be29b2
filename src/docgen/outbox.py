"""The only place that writes drafts: var/outbox/<V-nummer>/<letter>.docx and .pdf, atomically."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_V = re.compile(r"^\d{10}$")


def draft_paths(outbox: Path, v_nummer: str, stem: str, sequence: int) -> tuple[Path, Path]:
    if not _V.match(v_nummer):
        raise ValueError(f"not a V-nummer: {v_nummer!r}")
    name = stem if sequence <= 1 else f"{stem}-{sequence}"
    folder = outbox / v_nummer
    return folder / f"{name}.docx", folder / f"{name}.pdf"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
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
