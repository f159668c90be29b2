"""Text from images through tesseract (Dutch). One process per page, one thread each."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image

LANG = "nld"
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # much faster on small machines (LESSONS 12)


def available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_image(image: Image.Image, timeout: float = 60.0) -> str:
    """OCR one page image. Returns '' when tesseract is missing or fails (a warning is the caller's)."""
    if not available():
        raise OSError("tesseract is not installed")
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    proc = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", LANG, "--psm", "3"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=timeout,
        env=_ENV,
        check=False,
    )
    if proc.returncode != 0:
        raise OSError(f"tesseract exited with {proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")
