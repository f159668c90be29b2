"""What the browser tests of the web application share: a running `docgen serve` on a register made from
the shared corpus, logging in as a role, screenshots for docs/, and the axe-core accessibility check.

axe-core comes from the npm registry at test time (`npm install axe-core` into .cache/axe) and is injected
into the page from that local file; nothing is downloaded by the browser.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import DOCGEN, ROOT, wait_for

PASSWORD = "correct-horse-battery"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".cache" / "axe"
ROLES = {"mona": "monitor", "bea": "behandelaar", "cor": "contactpersoon", "tom": "template-maintainer",
         "max": "manager", "ada": "admin"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_users(data: Path, users: dict[str, str] = ROLES) -> None:
    for name, role in users.items():
        subprocess.run([*DOCGEN, "users", "add", name, "--role", role, "--data", str(data)], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "DOCGEN_PASSWORD": PASSWORD})


class Server:
    """`docgen serve` on a free loopback port, for as long as a test or module needs it."""

    def __init__(self, data: Path, *options: str):
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "DOCGEN_DATABASE_URL"}
        self.process = subprocess.Popen([*DOCGEN, "serve", "--data", str(data), "--port", str(self.port), *options],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._up, timeout=60)

    def _up(self) -> bool:
        assert self.process.poll() is None, "docgen serve stopped"
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def peak_memory_mb(self) -> float:
        """The server process's peak resident memory (VmHWM), children not included."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Site(Server):
    """`docgen serve` as of a fixed day."""

    def __init__(self, data: Path, today: str):
        super().__init__(data, "--today", today)


def launch(playwright):
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def log_in(browser, site: Site, name: str):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{site.url}/login")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    assert "/login" not in page.url, f"{name} could not log in"
    return page


def shot(page, name: str) -> None:
    """Screenshots for the README (docs/*.png) when DOCGEN_SCREENSHOTS names a folder."""
    folder = os.environ.get("DOCGEN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def axe_script() -> str:
    """axe-core's browser build, installed from the npm registry into .cache/axe once."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm is missing: it installs axe-core for the accessibility check")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                        f"axe-core@{AXE_VERSION}"], check=True, capture_output=True, timeout=600)
    return script.read_text(encoding="utf-8")


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def axe(page, script: str) -> list[dict]:
    """Every axe-core violation on the page as it is now (injected over the DevTools protocol, so the page's
    own Content-Security-Policy stays in force for everything else)."""
    page.evaluate(script)
    return page.evaluate(AXE_RUN)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]
