"""Letter speed, each against a baseline in the same run:
  - DOCX: docgen's render (sandboxed, autoescaping, strict) vs a bare docxtpl render of the same template;
  - PDF: docgen's archival PDF (DOCX → HTML → PDF/A) vs LibreOffice headless converting the same DOCX,
    the route users would otherwise take.
Run: .venv/bin/python bench/letters.py [--n 40]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docxtpl import DocxTemplate  # noqa: E402

from docgen.letters.catalogue import by_name  # noqa: E402
from docgen.letters.check import example_case, example_context  # noqa: E402
from docgen.letters.render import render_docx, render_pdf  # noqa: E402

TEMPLATES = ROOT / "templates"


def per_second(fn, n: int) -> float:
    fn()  # warm
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--letter", default="beschikking-intrekking")
    args = parser.parse_args()
    letter = by_name(args.letter)
    template = TEMPLATES / f"{letter.template}.docx"
    context = example_context(letter, example_case(TEMPLATES))

    def bare_docx():
        doc = DocxTemplate(str(template))
        doc.render(context)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    ours_docx = per_second(lambda: render_docx(template, context), args.n)
    bare = per_second(bare_docx, args.n)
    docx = render_docx(template, context)
    ours_pdf = per_second(lambda: render_pdf(docx, TEMPLATES, letter.title), max(5, args.n // 4))
    print(f"letter: {letter.name} ({len(docx)} bytes DOCX)")
    print(f"DOCX: {ours_docx:6.1f} letters/s vs bare docxtpl {bare:6.1f}/s "
          f"(time ratio {bare / ours_docx:.2f}x; target <= 1.2x)")
    if shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "letter.docx"
            path.write_bytes(docx)
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/lo",
                                "--convert-to", "pdf", "--outdir", tmp, str(path)], check=True, capture_output=True)
                runs.append(time.perf_counter() - start)
            lo = min(runs)
        print(f"PDF:  {ours_pdf:6.1f} letters/s ({1 / ours_pdf:.2f} s each) vs LibreOffice DOCX→PDF {lo:.2f} s each "
              f"(best of 5) (docgen {lo * ours_pdf:.1f}x faster; target >= 3x)")
    else:
        print(f"PDF:  {ours_pdf:6.1f} letters/s; LibreOffice not installed, no baseline")


if __name__ == "__main__":
    main()
