"""Text from page images through tesseract (Dutch), one process per page, one thread each.

Runs inside a reader worker (parse/worker.py): tesseract inherits the worker's memory limit, and
each call gets the seconds left of the message's OCR budget as its time limit.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image

LANG = "nld"
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # much faster on small machines (LESSONS 12)


class OcrTimeout(Exception):
    """Tesseract ran out of the seconds it was given."""


def available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_image(image: Image.Image, timeout: float = 60.0) -> str:
    """OCR one page image; OcrTimeout when it takes longer than `timeout`, OSError when it fails."""
    if not available():
        raise OSError("tesseract is not installed")
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANG, "--psm", "3"],
            input=buf.getvalue(), capture_output=True, timeout=max(0.1, timeout), env=_ENV, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrTimeout(f"OCR took longer than {timeout:.1f} s") from exc
    if proc.returncode != 0:
        raise OSError(f"tesseract exited with {proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")
