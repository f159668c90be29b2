"""Intake speed: parse+classify per message without OCR, and seconds per OCR'd page, each against a baseline.

Parse and classify times are CPU seconds of this process (time.process_time), so other work on
the machine does not blur the ratio; OCR, which runs tesseract in a child process, is wall time. Baselines, measured in the same run on the same files:
  - bare parsing: the stdlib `email` parser walking every part and decoding text, plus the same
    attachment text extraction (pdfium text layer, DOCX XML) that docgen uses;
  - bare OCR: the tesseract command on the same page image.
Run: .venv/bin/python bench/intake.py [CORPUS_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.classify import classify, load_rules  # noqa: E402
from docgen.parse import Limits, parse_message  # noqa: E402
from docgen.parse.docx import docx_text  # noqa: E402


def bare_parse(data: bytes, policy=email.policy.default) -> int:
    """What any mail reader must do: parse MIME, decode text parts, extract attachment text."""
    import pypdfium2 as pdfium

    msg = email.message_from_bytes(data, policy=policy)
    chars = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("text/"):
            payload = part.get_payload(decode=True) or b""
            chars += len(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        elif ctype == "application/pdf":
            pdf = pdfium.PdfDocument(part.get_payload(decode=True))
            for page in pdf:
                chars += len(page.get_textpage().get_text_bounded())
            pdf.close()
        elif ctype.endswith("wordprocessingml.document"):
            chars += len(docx_text(part.get_payload(decode=True), 30_000_000))
    return chars


def timed(fn, items, repeat: int, clock=time.process_time) -> float:
    best = []
    for _ in range(repeat):
        start = clock()
        for item in items:
            fn(item)
        best.append(clock() - start)
    return min(best)


def bench_ocr(corpus: Path) -> tuple[float, float, int]:
    import pypdfium2 as pdfium

    from docgen.parse import ocr
    from docgen.parse.pdf import OCR_DPI, pdf_text

    scans = []
    for path in sorted(corpus.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in msg.walk():
            if part.get_content_type() == "application/pdf":
                data = part.get_payload(decode=True)
                pdf = pdfium.PdfDocument(data)
                if len(pdf[0].get_textpage().get_text_bounded().strip()) < 20:
                    scans.append(data)
                pdf.close()
    scans = scans[:6]
    wall = time.perf_counter  # tesseract runs in a child process: its CPU time is not ours
    ours = timed(lambda d: pdf_text(d, 30, 4, True), scans, 1, wall) / len(scans)
    images = []
    for data in scans:
        pdf = pdfium.PdfDocument(data)
        buf = io.BytesIO()
        pdf[0].render(scale=OCR_DPI / 72, grayscale=True).to_pil().save(buf, format="PNG")
        images.append(buf.getvalue())
        pdf.close()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    bare = timed(lambda png: subprocess.run(["tesseract", "stdin", "stdout", "-l", ocr.LANG], input=png,
                                            capture_output=True, env=env, check=True), images, 1, wall) / len(images)
    return ours, bare, len(scans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "sample"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    rules = load_rules(ROOT / "inbox_rules")
    limits = Limits(ocr=False)

    bare_default = timed(bare_parse, files, args.repeat)
    bare = timed(lambda d: bare_parse(d, email.policy.compat32), files, args.repeat)
    parse_only = timed(lambda d: parse_message(d, limits), files, args.repeat)
    full = timed(lambda d: classify(parse_message(d, limits), rules), files, args.repeat)
    n = len(files)
    print(f"messages: {n} from {corpus}")
    print(f"baseline bare parse (policy.default) + attachment text: "
          f"{bare_default / n * 1000:7.2f} ms/msg  {n / bare_default:7.0f} msg/s")
    print(f"baseline bare parse (compat32) + attachment text:       {bare / n * 1000:7.2f} ms/msg  {n / bare:7.0f} msg/s")
    print(f"docgen parse:                                           {parse_only / n * 1000:7.2f} ms/msg  {n / parse_only:7.0f} msg/s")
    print(f"docgen parse + classify (no OCR):                       {full / n * 1000:7.2f} ms/msg  {n / full:7.0f} msg/s per core"
          " (target >= 500)")
    print(f"  of which classify:                                    {(full - parse_only) / n * 1000:7.2f} ms/msg")
    print(f"overhead of docgen's own code: {(full - bare) / bare:.2f}x the compat32 baseline (target <= 0.7x), "
          f"{(full - bare_default) / bare_default:.2f}x the policy.default one")
    ours, tess, pages = bench_ocr(corpus)
    print(f"OCR: {ours:.2f} s per scanned page in docgen vs {tess:.2f} s for tesseract alone "
          f"(ratio {ours / tess:.2f}, {pages} pages; target <= 1.5 s)")


if __name__ == "__main__":
    main()
