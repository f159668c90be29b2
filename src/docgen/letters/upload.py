"""What an uploaded correction may contain. Minimal until the upload hardening lands: a Word document."""

from __future__ import annotations

import io
import zipfile

from docgen.register.drafts import Refused

MAX_DOCUMENT_XML = 20_000_000


def sanitize_upload(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise Refused("Upload een Word-document (.docx).")
            if archive.getinfo("word/document.xml").file_size > MAX_DOCUMENT_XML:
                raise Refused("Het document is te groot.")
    except zipfile.BadZipFile:
        raise Refused("Upload een Word-document (.docx).") from None
    return data
