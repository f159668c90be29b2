"""The PDF of an uploaded DOCX, made in a child process with a time and a memory limit.

An upload is the one document docgen renders that nobody at docgen wrote: a letter that takes
minutes or gigabytes to lay out must cost the web server neither. The child limits itself
(RLIMIT_AS, RLIMIT_CPU) before it reads anything; the parent kills it when the time is up.
"""

from __future__ import annotations

import logging
import resource
import subprocess
import sys
from pathlib import Path

from docgen.letters.upload import UploadRefused

log = logging.getLogger("docgen.letters")
MEMORY_BYTES = 1024**3
REFUSED = b"DOCGEN-REFUSED:"  # the child could not make an archival PDF equal to the DOCX; the reason follows


def render_pdf_bounded(docx: bytes, templates: Path, title: str, seconds: float = 60,
                       memory_bytes: int = MEMORY_BYTES) -> bytes:
    command = [sys.executable, "-m", "docgen.letters.bounded", str(templates), title,
               str(int(seconds) + 1), str(memory_bytes)]
    try:
        done = subprocess.run(command, input=docx, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        log.warning("upload render stopped after %s s", seconds)
        raise UploadRefused(f"Het document is niet binnen {seconds:g} seconden als PDF op te maken. "
                            "Maak het kleiner of eenvoudiger en upload het opnieuw.") from None
    if done.returncode == 3 and done.stdout.startswith(REFUSED):
        raise UploadRefused(done.stdout[len(REFUSED):].decode("utf-8", "replace")[:500])
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        log.warning("upload render failed: exit %s", done.returncode)  # stderr may quote the letter: not logged
        raise UploadRefused("Van dit document kon geen PDF worden gemaakt (te groot of te ingewikkeld). "
                            "Maak het kleiner of eenvoudiger en upload het opnieuw.")
    return done.stdout


def _child(argv: list[str]) -> int:
    templates, title, cpu_seconds, memory_bytes = argv
    resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds)))
    from docgen.errors import ArchivalPdfError
    from docgen.letters.render import render_pdf

    docx = sys.stdin.buffer.read()
    try:
        pdf = render_pdf(docx, Path(templates), title)
    except ArchivalPdfError as exc:  # the reason for the behandelaar, in Dutch, to the parent
        sys.stdout.buffer.write(REFUSED + exc.dutch.encode("utf-8"))
        sys.stdout.buffer.flush()
        return 3
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
