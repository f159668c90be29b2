"""Web hardening costs, each against a baseline in the same run:
  - login: a wrong password and an unknown name (both should cost one scrypt) vs a bare scrypt check;
  - upload: sanitize_upload of a corrected letter vs bare unzipping of the same DOCX;
  - PDF of an upload: rendered in a bounded child process vs rendered in-process.
Run: .venv/bin/python bench/web.py [--n 20]
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from werkzeug.security import check_password_hash  # noqa: E402

from docgen.config import Settings  # noqa: E402
from docgen.letters.bounded import render_pdf_bounded  # noqa: E402
from docgen.letters.render import render_pdf  # noqa: E402
from docgen.letters.upload import sanitize_upload  # noqa: E402
from docgen.register.store import Reviews, Store  # noqa: E402
from docgen.web import create_app  # noqa: E402
from docgen.web.auth import hash_password  # noqa: E402

TEMPLATES = ROOT / "templates"


def median_ms(fn, n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def login_figures(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data=Path(folder) / "var", rules=ROOT / "inbox_rules", templates=TEMPLATES)
        stored = hash_password("correct-horse-battery")
        with Store(settings.database) as store:
            Reviews(store).add_user("bea", stored, "behandelaar")
        client = create_app(settings).test_client()
        counter = iter(range(10**6))

        def post_ms(name: str) -> float:
            """One login POST, timed alone: the form is fetched before and failures are forgotten after."""
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            start = time.perf_counter()
            client.post("/login", data={"csrf": token, "name": name, "password": "wrong-password-guess"},
                        environ_base={"REMOTE_ADDR": f"192.0.2.{next(counter) % 250}"})
            took = time.perf_counter() - start
            with Store(settings.database) as store:
                Reviews(store).clear_failures(name)
            return took * 1000

        post_ms("bea")
        wrong, unknown = [], []
        for _ in range(n):  # interleaved, so load from elsewhere on the machine falls on both alike
            wrong.append(post_ms("bea"))
            unknown.append(post_ms(f"nobody{next(counter)}"))
        wrong, unknown = statistics.median(wrong), statistics.median(unknown)
        bare = median_ms(lambda: check_password_hash(stored, "wrong-password-guess"), n)
    print(f"login, wrong password : {wrong:7.1f} ms   ({wrong / bare:.2f}x a bare scrypt check of {bare:.1f} ms)")
    print(f"login, unknown name   : {unknown:7.1f} ms   ({unknown / bare:.2f}x; unknown/wrong = {unknown / wrong:.2f})")


def upload_figures(n: int) -> None:
    docx = (TEMPLATES / "voornemen-intrekking.docx").read_bytes()

    def unzip() -> None:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            for name in archive.namelist():
                archive.read(name)

    bare = median_ms(unzip, n)
    clean = median_ms(lambda: sanitize_upload(docx, "brief.docx"), n)
    print(f"sanitize_upload       : {clean:7.1f} ms   ({clean / bare:.1f}x bare unzipping, {bare:.2f} ms)")
    inproc = median_ms(lambda: render_pdf(docx, TEMPLATES, "brief"), max(3, n // 4))
    child = median_ms(lambda: render_pdf_bounded(docx, TEMPLATES, "brief"), max(3, n // 4))
    print(f"PDF in a bounded child: {child:7.1f} ms   ({child / inproc:.1f}x in-process, {inproc:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    args = parser.parse_args()
    login_figures(args.n)
    upload_figures(args.n)


if __name__ == "__main__":
    main()
