"""Intake speed: parse+classify per message without OCR, and seconds per OCR'd page, each against a baseline.

Baselines, measured in the same run on the same files:
  - bare parsing: the stdlib `email` parser walking every part and decoding text, plus the same
    attachment text extraction (pdfium text layer, DOCX XML) that docgen uses, in-process;
  - bare OCR: the tesseract command on the same page image.
docgen reads PDFs in reader worker processes (parse/sandbox.py). Each figure is given twice: wall
time (what the old bench printed; it includes waiting for a CPU when the machine is busy) and CPU
time, of this process plus its reader workers (the honest "per core" figure, steady under load).
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


def timed(fn, items, repeat: int) -> float:
    return measured(fn, items, repeat)[0]


def measured(fn, items, repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds for one pass, each the best of `repeat`; cpu includes the reader workers."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        for item in items:
            fn(item)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu(cpu[1])[0] - cpu[0])
    return min(walls), min(cpus)


def _cpu(since: dict | None = None) -> tuple[float, dict]:
    """CPU seconds of this process plus those its reader workers used since `since` (per pid)."""
    try:
        from docgen.parse import sandbox
    except ImportError:  # an older docgen, which read PDFs in-process
        return time.process_time(), {}
    workers = {}
    for worker in list(sandbox.POOL.idle):
        try:
            with open(f"/proc/{worker.proc.pid}/schedstat", encoding="ascii") as stat:
                workers[worker.proc.pid] = int(stat.read().split()[0]) / 1e9
        except OSError:
            continue
    extra = sum(v - (since or {}).get(pid, 0.0) for pid, v in workers.items()) if since is not None else 0.0
    return time.process_time() + extra, workers


def bench_ocr(corpus: Path) -> tuple[float, float, int]:
    import pypdfium2 as pdfium

    from docgen.parse import ocr
    from docgen.parse.pdf import OCR_DPI

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
    ours = timed(lambda d: parse_message(_scan_mail(d)), scans, 1) / len(scans)
    images = []
    for data in scans:
        pdf = pdfium.PdfDocument(data)
        buf = io.BytesIO()
        pdf[0].render(scale=OCR_DPI / 72, grayscale=True).to_pil().save(buf, format="PNG")
        images.append(buf.getvalue())
        pdf.close()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    bare = timed(lambda png: subprocess.run(["tesseract", "stdin", "stdout", "-l", ocr.LANG], input=png,
                                            capture_output=True, env=env, check=True), images, 1) / len(images)
    return ours, bare, len(scans)


def _scan_mail(pdf: bytes) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["Subject"] = "avim@politie.nl", "scan"
    msg.set_content("zie bijlage")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="scan.pdf")
    return bytes(msg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "sample"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    rules = load_rules(ROOT / "inbox_rules")
    limits = Limits(ocr=False)

    parse_message(files[0], limits)  # start the reader workers, as a running watcher has them
    bare_default = measured(bare_parse, files, args.repeat)
    bare = measured(lambda d: bare_parse(d, email.policy.compat32), files, args.repeat)
    parse_only = measured(lambda d: parse_message(d, limits), files, args.repeat)
    full = measured(lambda d: classify(parse_message(d, limits), rules), files, args.repeat)
    n = len(files)
    print(f"messages: {n} from {corpus}                          wall time             CPU time")
    for label, (wall, cpu) in (("baseline bare parse (policy.default) + attachment text", bare_default),
                               ("baseline bare parse (compat32) + attachment text", bare),
                               ("docgen parse", parse_only), ("docgen parse + classify (no OCR)", full)):
        print(f"{label + ':':<56}{wall / n * 1000:6.2f} ms {n / wall:6.0f}/s   {cpu / n * 1000:6.2f} ms "
              f"{n / cpu:6.0f}/s")
    for i, kind in enumerate(("wall", "CPU")):
        print(f"overhead of docgen's own code ({kind}): {(full[i] - bare[i]) / bare[i]:.2f}x the compat32 baseline, "
              f"{(full[i] - bare_default[i]) / bare_default[i]:.2f}x the policy.default one (target <= 0.7x)")
    ours, tess, pages = bench_ocr(corpus)
    print(f"OCR: {ours:.2f} s per scanned page in docgen vs {tess:.2f} s for tesseract alone "
          f"(ratio {ours / tess:.2f}, {pages} pages; target <= 1.5 s)")


if __name__ == "__main__":
    main()
