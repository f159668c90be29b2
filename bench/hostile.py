"""Hostile intake: each hostile message through parse + classify in a fresh child process, with the
child's peak memory (ru_maxrss of the child and of its reader workers and tesseract) and wall time,
beside the same for ordinary sample messages measured in the same run. Goal: < 300 MB and < 10 s
per message. The big cases are built at run time (tests/hostile_mail.py); nothing large is in git.

Run: .venv/bin/python bench/hostile.py [--shared DIR] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
ORDINARY = ("0000.eml", "0027.eml")  # an M55 with a PDF, a sepot that is a scan (OCR)
GOAL_MB, GOAL_SECONDS = 300, 10.0


def child(path: Path) -> None:
    """In the child: warm the reader pool (as a running watcher has it), then time one message."""
    import hostile_mail

    from docgen.classify import classify, load_rules
    from docgen.errors import QuarantineError
    from docgen.parse import Limits, parse_message, sandbox
    from docgen.parse.unread import flag_unread

    rules = load_rules(ROOT / "inbox_rules")
    parse_message(hostile_mail.pdf_attached(hostile_mail.huge_page_pdf(200)), Limits(ocr=False))
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        msg = parse_message(data)
        result = flag_unread(classify(msg, rules), msg)
        outcome = f"{result.type}{' triage: ' + '; '.join(result.triage_reasons) if result.triage else ''}"
    except QuarantineError as exc:
        outcome = f"quarantined: {exc.reason}"
    except Exception as exc:  # noqa: BLE001 - the bench reports it; the pipeline would quarantine it
        outcome = f"error: {type(exc).__name__}"
    seconds = time.perf_counter() - started
    sandbox.POOL.close()  # wait for the workers, so their memory counts in ours
    print(json.dumps({"seconds": seconds, "outcome": outcome}))


def measure(path: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = {"seconds": float("nan"), "outcome": f"child died ({proc.returncode})"}
    return {**result, "mb": usage.ru_maxrss / 1024, "bytes": path.stat().st_size}


def build(folder: Path, only: str) -> None:
    """In a child of its own, so that the bench's own process stays small (a forked child starts with
    its parent's peak memory on its record)."""
    import hostile_mail

    index = []
    for number, (name, make) in enumerate(hostile_mail.CASES.items()):
        if only and only not in name:
            continue
        path = folder / f"{number:02d}.eml"
        path.write_bytes(make())
        index.append([name, str(path)])
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("DOCGEN_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--only", default="", help="run only the built cases whose name contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child))
        return
    if args.build:
        build(Path(args.build), args.only)
        return
    corpus = Path(args.shared) / "corpus"
    rows: list[tuple[str, str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="docgen-hostile-") as tmp:
        subprocess.run([sys.executable, __file__, "--build", tmp, "--only", args.only], check=True)
        cases = [("ordinary", name, corpus / "sample" / name) for name in ORDINARY]
        cases += [("hostile", p.name, p) for p in sorted((corpus / "hostile-sample").glob("*.eml"))]
        cases += [("hostile", name, Path(path))
                  for name, path in json.loads((Path(tmp) / "index.json").read_text(encoding="utf-8"))]
        for kind, name, path in cases:
            row = measure(path)
            rows.append((kind, name, row))
            print(f"{kind:<9} {name[:36]:<36} {row['bytes'] / 1e6:7.2f} MB mail {row['mb']:7.0f} MB peak "
                  f"{row['seconds']:7.2f} s  {row['outcome'][:90]}", flush=True)
    hostile = [(n, r) for k, n, r in rows if k == "hostile"]
    ordinary = [r for k, _, r in rows if k == "ordinary"]
    worst_mb = max(hostile, key=lambda nr: nr[1]["mb"])
    worst_s = max(hostile, key=lambda nr: nr[1]["seconds"] if nr[1]["seconds"] == nr[1]["seconds"] else 1e9)
    print()
    print(f"worst memory: {worst_mb[1]['mb']:.0f} MB ({worst_mb[0]}) vs ordinary "
          f"{max(r['mb'] for r in ordinary):.0f} MB  (goal < {GOAL_MB} MB)")
    print(f"worst time:   {worst_s[1]['seconds']:.2f} s ({worst_s[0]}) vs ordinary "
          f"{max(r['seconds'] for r in ordinary):.2f} s  (goal < {GOAL_SECONDS:.0f} s)")
    ok = worst_mb[1]["mb"] < GOAL_MB and worst_s[1]["seconds"] < GOAL_SECONDS
    print("goal met" if ok else "GOAL NOT MET")


if __name__ == "__main__":
    main()
