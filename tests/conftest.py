"""Shared fixtures: the shared corpus (read at run time, never copied), loaded rules, a data directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DOCGEN_SHARED", ROOT.parent / "shared"))
SAMPLE = SHARED / "corpus" / "sample"
HOSTILE = SHARED / "corpus" / "hostile-sample"
DOCGEN = [sys.executable, "-m", "docgen"]


def labels(folder: Path, name: str = "labels.jsonl") -> list[dict]:
    return [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def sample_labels() -> list[dict]:
    if not SAMPLE.is_dir():
        pytest.fail(f"the shared corpus is missing at {SAMPLE} (set DOCGEN_SHARED)")
    return labels(SAMPLE)


@pytest.fixture(scope="session")
def rules():
    from docgen.classify import load_rules

    return load_rules(ROOT / "inbox_rules")


@pytest.fixture
def settings(tmp_path):
    from docgen.config import Settings

    return Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")


def run_docgen(*args: str, cwd: Path | None = None, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([*DOCGEN, *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"docgen {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def copy_messages(files: list[str], source: Path, inbox: Path) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(source / name, inbox / name)


def draft(data: Path, v_nummer: str, letter: str, version: int = 1, ext: str = "docx") -> Path:
    """Where docgen keeps a version of a drafted letter (and the name staff download)."""
    return data / "outbox" / v_nummer / f"{v_nummer}-{letter}-v{version}.{ext}"


def final_drafts(data: Path, database: str | None = None) -> dict:
    """What a register's letters say now: (V-nummer, letter, sequence) → (state, facts, DOCX text) of the
    latest version of every letter that is still needed. Equal registers say the same, whatever the
    version numbers (a watcher drafts as mail arrives; a run drafts once)."""
    import json

    from docgen.register.store import Store

    out = {}
    with Store(database or str(data / "docgen.sqlite3")) as store:
        for row in store.db.all("SELECT l.v_nummer, l.kind, l.sequence, l.state, v.facts, v.docx_path FROM letters l"
                                " JOIN versions v ON v.letter_id = l.id WHERE v.number = (SELECT MAX(number) FROM"
                                " versions WHERE letter_id = l.id) AND l.state <> 'vervallen'"):
            facts = json.loads(row["facts"])
            text = docx_text(data / row["docx_path"]) if row["docx_path"] else ""
            out[(row["v_nummer"], row["kind"], row["sequence"])] = (row["state"], facts, text)
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DOCGEN_TEST_POSTGRES_URL")
    if not url and os.environ.get("CI"):
        pytest.fail("CI must provide PostgreSQL: DOCGEN_TEST_POSTGRES_URL is not set (scripts/test.sh starts one)")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A fresh, empty register database of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite3")
        return
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip("no PostgreSQL (set DOCGEN_TEST_POSTGRES_URL or run scripts/test.sh)")
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture(scope="session")
def imap_server():
    """The throwaway Dovecot that scripts/test.sh starts (../shared/tools/imap-server.sh)."""
    env = {k: os.environ.get(k) for k in ("IMAP_HOST", "IMAP_PORT", "IMAP_USER", "IMAP_PASSWORD")}
    if not all(env.values()):
        if os.environ.get("CI"):
            pytest.fail("CI must provide Dovecot: IMAP_HOST/PORT/USER/PASSWORD are not set (scripts/test.sh)")
        pytest.skip("no IMAP server (run scripts/test.sh or eval \"$(../shared/tools/imap-server.sh start)\")")
    return env


class Mailboxes:
    """A test's own folder on the shared server, and a client to fill and inspect it."""

    def __init__(self, server: dict, folder: str):
        from imapclient import IMAPClient

        self.server, self.folder = server, folder
        self.client = IMAPClient(server["IMAP_HOST"], port=int(server["IMAP_PORT"]), ssl=False, timeout=30)
        self.client.login(server["IMAP_USER"], server["IMAP_PASSWORD"])
        self.client.create_folder(folder)

    @property
    def url(self) -> str:
        s = self.server
        return f"imap://{s['IMAP_USER']}@{s['IMAP_HOST']}:{s['IMAP_PORT']}/{self.folder}"

    def append(self, data: bytes) -> None:
        self.client.append(self.folder, data)

    def uids(self, folder: str | None = None) -> list[int]:
        folder = folder or self.folder
        if not self.client.folder_exists(folder):
            return []
        self.client.select_folder(folder, readonly=True)
        return self.client.search(["ALL"])

    def flags(self, folder: str) -> list:
        self.client.select_folder(folder, readonly=True)
        return list(self.client.get_flags(self.client.search(["ALL"])).values())

    def close(self) -> None:
        try:
            self.client.logout()
        except OSError:
            pass


@pytest.fixture
def mailbox(imap_server):
    import uuid

    box = Mailboxes(imap_server, f"INBOX.t{uuid.uuid4().hex[:10]}")
    yield box
    box.close()
