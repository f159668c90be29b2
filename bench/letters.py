"""Letter speed, each against a baseline in the same run:
  - DOCX: docgen's render (sandboxed, autoescaping, strict) vs a bare docxtpl render of the same template;
  - PDF: docgen's archival PDF of each drafted letter (DOCX → HTML → PDF/A-3b, with the PDF/A check)
    vs LibreOffice headless converting the same DOCX, one letter per run as an upload would be
    (best of 3, profile kept warm); target >= 3x. Also LibreOffice converting all drafts in one run.
  - Fallback: how many of the test uploads (tests/wordstyle.py, and every draft and upload saved
    again by LibreOffice) the fast converter hands to LibreOffice, and why.
Run: .venv/bin/python bench/letters.py [--n 40]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import wordstyle  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from docgen.letters.archive import archival_pdf  # noqa: E402
from docgen.letters.catalogue import LETTERS, by_name  # noqa: E402
from docgen.letters.render import render_docx  # noqa: E402

TEMPLATES = ROOT / "templates"


def per_second(fn, n: int) -> float:
    fn()  # warm
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def soffice(args: list[str], profile: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", *args],
                   check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def example(letter) -> dict:
    """The letter's example data; before the case model changed, example_context took a Case."""
    from docgen.letters import check

    if hasattr(check, "example_case"):
        return check.example_context(letter, check.example_case(TEMPLATES))
    return check.example_context(letter, TEMPLATES)


def docx_speed(letter_name: str, n: int) -> None:
    letter = by_name(letter_name)
    template = TEMPLATES / f"{letter.template}.docx"
    context = example(letter)

    def bare_docx():
        doc = DocxTemplate(str(template))
        doc.render(context)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    ours, bare = per_second(lambda: render_docx(template, context), n), per_second(bare_docx, n)
    print(f"DOCX ({letter.name}): {ours:6.1f} letters/s vs bare docxtpl {bare:6.1f}/s "
          f"(time ratio {bare / ours:.2f}x; target <= 1.2x)")


def pdf_speed(tmp: Path, rounds: int) -> None:
    drafts = {l.name: render_docx(TEMPLATES / f"{l.template}.docx", example(l)) for l in LETTERS}
    ours: dict[str, float] = {}
    for name, docx in drafts.items():
        archival_pdf(docx, TEMPLATES, name)  # warm
        runs = []
        for _ in range(rounds):
            start = time.perf_counter()
            made = archival_pdf(docx, TEMPLATES, name)
            runs.append(time.perf_counter() - start)
            assert made.converter == "weasyprint", f"{name} fell back to LibreOffice ({made.reason})"
        ours[name] = min(runs)
    if not shutil.which("soffice"):
        print(f"PDF: docgen {statistics.mean(ours.values()):.3f} s per letter; LibreOffice not installed, no baseline")
        return
    folder, profile = tmp / "drafts", tmp / "profile"
    folder.mkdir()
    for name, docx in drafts.items():
        (folder / f"{name}.docx").write_bytes(docx)
    soffice(["--convert-to", "pdf", "--outdir", str(tmp / "warm"), str(folder / f"{LETTERS[0].name}.docx")], profile)
    office = {name: min(soffice(["--convert-to", "pdf", "--outdir", str(tmp / "one"), str(folder / f"{name}.docx")],
                                profile) for _ in range(3)) for name in drafts}
    batch = soffice(["--convert-to", "pdf", "--outdir", str(tmp / "all"), *map(str, sorted(folder.glob("*.docx")))],
                    profile) / len(drafts)
    print(f"{'PDF of each drafted letter':44} {'docgen':>8} {'LibreOffice':>12} {'ratio':>7}")
    for name in drafts:
        print(f"  {name:42} {ours[name]:7.3f}s {office[name]:11.3f}s {office[name] / ours[name]:6.1f}x")
    mean_ours, mean_office = statistics.mean(ours.values()), statistics.mean(office.values())
    worst = min(office[n] / ours[n] for n in drafts)
    print(f"PDF: docgen {mean_ours:.3f} s per letter vs LibreOffice {mean_office:.3f} s per letter "
          f"(docgen {mean_office / mean_ours:.1f}x faster, slowest letter {worst:.1f}x; target >= 3x)")
    print(f"     LibreOffice converting all {len(drafts)} drafts in one run: {batch:.3f} s per letter "
          f"(docgen {batch / mean_ours:.1f}x faster)")


def fallback_count(tmp: Path) -> None:
    uploads = {f"word/{name}": build() for name, build in wordstyle.UPLOADS.items()}
    uploads |= {f"word/{name}": build() for name, (build, _) in wordstyle.FALLBACKS.items()}
    drafts = {f"draft/{l.name}": render_docx(TEMPLATES / f"{l.template}.docx", example(l)) for l in LETTERS}
    if shutil.which("soffice"):
        source, saved = tmp / "source", tmp / "saved"
        source.mkdir()
        for name, docx in {**drafts, **uploads}.items():
            (source / f"{name.replace('/', '--')}.docx").write_bytes(docx)
        soffice(["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved),
                 *map(str, sorted(source.glob("*.docx")))], tmp / "profile")
        uploads |= {f"libreoffice/{p.stem.split('--', 1)[1]}": p.read_bytes() for p in sorted(saved.glob("*.docx"))}
    reasons: Counter[str] = Counter()
    planned = {name for name in uploads if name.split("/", 1)[1] in wordstyle.FALLBACKS}
    taken = set()
    for name, docx in uploads.items():
        made = archival_pdf(docx, TEMPLATES, name)
        if made.converter == "libreoffice":
            reasons[made.reason] += 1
            taken.add(name)
    print(f"Fallback to LibreOffice: {len(taken)} of {len(uploads)} test uploads: "
          f"{len(taken - planned)} of {len(uploads) - len(planned)} ordinary ones (drafts, Word-style files, both "
          f"saved again by LibreOffice), {len(taken & planned)} of {len(planned)} built to need it "
          f"({', '.join(f'{n}x {r}' for r, n in reasons.items()) or 'none'})")
    slow = [name for name, docx in drafts.items() if archival_pdf(docx, TEMPLATES, name).converter != "weasyprint"]
    print(f"Fallback to LibreOffice for drafted letters: {len(slow)} of {len(drafts)} {slow or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--letter", default="beschikking-intrekking")
    args = parser.parse_args()
    docx_speed(args.letter, args.n)
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        pdf_speed(Path(tmp), max(3, args.n // 8))
        fallback_count(Path(tmp))


if __name__ == "__main__":
    main()
