"""Watcher speed and durability against Dovecot on loopback, each figure beside a baseline from the same run.

  latency : IMAP APPEND → voornemen PDF on disk, p50/p95 over N sepots, one at a time.
            Baseline: APPEND → IDLE notification (EXISTS) seen by a bare imapclient.
  backlog : 2,000 waiting messages (no OCR) taken in (fetched, classified, registered, moved) per second.
            Baseline: a bare imapclient fetching the same messages (BODY.PEEK[] in batches).
  kills   : SIGKILL at random moments while mail arrives, T trials; every message must end up processed
            and drafted exactly once.
Needs IMAP_HOST/IMAP_PORT/IMAP_USER/IMAP_PASSWORD (eval "$(../shared/tools/imap-server.sh start)").
Run: .venv/bin/python bench/imap.py [--latency 200] [--backlog 2000] [--trials 50]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from imapclient import IMAPClient

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpus" / "sample"
sys.path.insert(0, str(ROOT / "src"))
from docgen.register.store import Store  # noqa: E402


def client() -> IMAPClient:
    c = IMAPClient(os.environ["IMAP_HOST"], port=int(os.environ["IMAP_PORT"]), ssl=False, timeout=60)
    c.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
    return c


def sepot(n: int) -> tuple[str, bytes]:
    """A synthetic sepot from the OM with a V-nummer and Message-ID of its own."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    v = f"{4000000000 + n}"
    msg = EmailMessage()
    msg["From"] = "OM Arrondissementsparket Den Haag <mensenhandel.denhaag@om.nl>"
    msg["To"] = "b83.zwolle@ind.nl"
    msg["Subject"] = f"Kennisgeving van niet-vervolging V-nr: {v}"
    msg["Date"] = format_datetime(datetime.datetime(2026, 5, 11, 10, 0, tzinfo=datetime.UTC))
    msg["Message-ID"] = f"<bench-{uuid.uuid4().hex}@om.nl>"
    msg.set_content(f"Parketnummer: 09/{n % 1000000:06d}-25\nBetreft: aangifte mensenhandel van Bench Persoon, "
                    f"V-nr: {v}\nDatum beslissing: 11-05-2026\nDe officier van justitie heeft besloten de zaak "
                    "niet verder te vervolgen.\n")
    return v, bytes(msg)


def watch(folder: str, data: Path, log: Path) -> subprocess.Popen:
    url = f"imap://{os.environ['IMAP_USER']}@{os.environ['IMAP_HOST']}:{os.environ['IMAP_PORT']}/{folder}"
    env = {**os.environ, "DOCGEN_IMAP_PASSWORD": os.environ["IMAP_PASSWORD"], "OMP_THREAD_LIMIT": "1"}
    env.pop("DOCGEN_DATABASE_URL", None)
    with open(log, "a") as err:
        return subprocess.Popen([sys.executable, "-m", "docgen", "watch", "--source", url, "--data", str(data),
                                 "--poll", "0.5"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def bench_latency(n: int, tmp: Path) -> None:
    folder = f"INBOX.lat{uuid.uuid4().hex[:6]}"
    c = client()
    c.create_folder(folder)
    proc = watch(folder, tmp / "lat", tmp / "lat.log")
    time.sleep(3)
    ours = []
    for i in range(n):
        v, data = sepot(i)
        target = tmp / "lat" / "outbox" / v / "voornemen-intrekking.pdf"
        start = time.perf_counter()
        c.append(folder, data)
        while not target.exists():
            time.sleep(0.005)
        ours.append(time.perf_counter() - start)
    stop(proc)
    # Baseline: how long Dovecot takes to tell an idling client about a new message.
    watcher = client()
    watcher.select_folder(folder)
    bare = []
    for i in range(min(n, 50)):
        watcher.idle()
        start = time.perf_counter()
        c.append(folder, sepot(10_000 + i)[1])
        while not any(r[1] == b"EXISTS" for r in watcher.idle_check(timeout=5) if isinstance(r, tuple)):
            pass
        bare.append(time.perf_counter() - start)
        watcher.idle_done()
    print(f"latency APPEND → draft PDF: p50 {pct(ours, 50):.2f} s, p95 {pct(ours, 95):.2f} s over {n} sepots "
          f"(target p95 < 1.5 s); baseline APPEND → IDLE EXISTS: p50 {pct(bare, 50):.2f} s, p95 {pct(bare, 95):.2f} s"
          f" (ratio p95 {pct(ours, 95) / pct(bare, 95):.1f}x)")


def backlog_messages(n: int) -> list[bytes]:
    labels = [json.loads(line) for line in (SAMPLE / "labels.jsonl").read_text().splitlines()]
    plain = [SAMPLE / l["file"] for l in labels if "scan" not in l["variants"]]
    out = []
    for i in range(n):
        data = plain[i % len(plain)].read_bytes()
        out.append(f"X-Bench-Copy: {i}\r\n".encode() + data)  # distinct bytes: each is a new message
    return out


def bench_backlog(n: int, tmp: Path) -> None:
    folder = f"INBOX.blg{uuid.uuid4().hex[:6]}"
    c = client()
    c.create_folder(folder)
    for data in backlog_messages(n):
        c.append(folder, data)
    c.select_folder(folder, readonly=True)
    uids = c.search(["ALL"])
    start = time.perf_counter()
    for i in range(0, len(uids), 25):
        c.fetch(uids[i:i + 25], [b"BODY.PEEK[]"])
    bare = time.perf_counter() - start
    c.unselect_folder()
    proc = watch(folder, tmp / "blg", tmp / "blg.log")
    start = time.perf_counter()
    c.select_folder(folder, readonly=True)
    while True:
        time.sleep(0.2)
        c.noop()
        if not c.search(["ALL"]):
            break
    taken = time.perf_counter() - start
    with Store(tmp / "blg" / "docgen.sqlite3") as store:
        recorded = len(store.messages())
        drafts_at_end_of_intake = len(store.drafts())
    stop(proc)
    print(f"backlog: {n} messages taken in at {n / taken:.0f} msg/s ({recorded} recorded, "
          f"{drafts_at_end_of_intake} drafts already rendered behind intake) (target >= 100/s); "
          f"baseline bare fetch {n / bare:.0f} msg/s (ratio {(n / bare) / (n / taken):.1f}x)")


def bench_kills(trials: int, tmp: Path, seed: int = 5) -> None:
    rng = random.Random(seed)
    ok = 0
    for trial in range(trials):
        folder = f"INBOX.k{uuid.uuid4().hex[:8]}"
        c = client()
        c.create_folder(folder)
        data_dir = tmp / f"kill{trial}"
        items = [sepot(100_000 + trial * 100 + i) for i in range(rng.randint(4, 10))]
        proc = watch(folder, data_dir, tmp / "kill.log")
        for _, data in items:
            c.append(folder, data)
            time.sleep(rng.uniform(0, 0.3))
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc = watch(folder, data_dir, tmp / "kill.log")
        deadline = time.monotonic() + 120
        c.select_folder(folder, readonly=True)
        while time.monotonic() < deadline:
            c.noop()
            with Store(data_dir / "docgen.sqlite3") as store:
                done = not c.search(["ALL"]) and len(store.drafts()) >= len(items)
            if done:
                break
            time.sleep(0.3)
        stop(proc)
        with Store(data_dir / "docgen.sqlite3") as store:
            messages, drafts = store.messages(), store.drafts()
        files = sorted(p.name for p in (data_dir / "outbox").rglob("*") if p.is_file())
        moved = len(c.search(["ALL"])) == 0
        c.select_folder(f"{folder}.Verwerkt", readonly=True)
        in_processed = len(c.search(["ALL"]))
        good = (len(messages) == len(items) and len(drafts) == len(items) and moved and in_processed == len(items)
                and files == sorted(["voornemen-intrekking.docx", "voornemen-intrekking.pdf"] * len(items)))
        ok += good
        if not good:
            print(f"  trial {trial}: messages {len(messages)}/{len(items)}, drafts {len(drafts)}, "
                  f"processed folder {in_processed}, files {len(files)}")
        c.logout()
    print(f"kills: {ok}/{trials} trials with every message processed and drafted exactly once")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=200)
    parser.add_argument("--backlog", type=int, default=2000)
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.latency:
            bench_latency(args.latency, tmp)
        if args.backlog:
            bench_backlog(args.backlog, tmp)
        if args.trials:
            bench_kills(args.trials, tmp)


if __name__ == "__main__":
    main()
