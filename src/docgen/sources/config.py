"""Which sources to watch: from `--source` URLs or a YAML configuration file. Never a password in a file
that is checked in: a mailbox names the environment variable or the file that holds its password."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from docgen.errors import DocgenError, RuleError
from docgen.yamlfile import check_keys, load_yaml


@dataclass(frozen=True)
class MailboxConfig:
    name: str
    host: str
    port: int
    user: str
    security: str = "tls"          # tls | starttls | none
    password_env: str = "DOCGEN_IMAP_PASSWORD"
    password_file: str = ""
    folder: str = "INBOX"
    processed: str = ""            # default: <folder><delimiter>Verwerkt
    triage: str = ""               # default: <folder><delimiter>Triage
    quarantine: str = ""           # default: <folder><delimiter>Quarantaine
    idle_renew_seconds: float = 240  # renew IDLE well within the 29 minutes servers allow
    poll_seconds: float = 30         # where the server offers no IDLE
    timeout_seconds: float = 30
    insecure: bool = False           # security: none to a host that is not loopback needs this

    def password(self) -> str:
        if self.password_file:
            return Path(self.password_file).read_text(encoding="utf-8").strip()
        value = os.environ.get(self.password_env)
        if value is None:
            raise DocgenError(f"mailbox {self.name}: set the password in ${self.password_env} or give password_file")
        return value


@dataclass(frozen=True)
class ReviewConfig:
    to: str
    sender: str = "docgen@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25


@dataclass(frozen=True)
class Sources:
    mailboxes: tuple[MailboxConfig, ...] = ()
    folders: tuple[Path, ...] = ()
    review: ReviewConfig | None = None
    extra: dict = field(default_factory=dict)


def is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def from_urls(urls: list[str], insecure: bool = False) -> Sources:
    """`insecure` allows imap:// (the password in clear) to a host that is not loopback."""
    mailboxes, folders = [], []
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in ("imap", "imaps"):
            if not parsed.hostname or not parsed.username:
                raise DocgenError(f"--source {url}: expected imap://USER@HOST:PORT/FOLDER")
            if parsed.scheme == "imap" and not insecure and not is_loopback(parsed.hostname):
                raise DocgenError(f"--source {url}: imap:// sends the password in clear to {parsed.hostname}; "
                                  "use imaps://, or pass --insecure if you must")
            mailboxes.append(MailboxConfig(
                name=f"{parsed.scheme}://{parsed.username}@{parsed.hostname}:{parsed.port or ''}{parsed.path}",
                host=parsed.hostname, port=parsed.port or (993 if parsed.scheme == "imaps" else 143),
                user=unquote(parsed.username), security="tls" if parsed.scheme == "imaps" else "none",
                folder=unquote(parsed.path.lstrip("/")) or "INBOX", insecure=insecure))
        elif parsed.scheme in ("", "file"):
            folders.append(Path(parsed.path if parsed.scheme == "file" else url))
        else:
            raise DocgenError(f"--source {url}: use imap://, imaps:// or a folder path")
    return Sources(tuple(mailboxes), tuple(folders))


_MAILBOX_KEYS = set(MailboxConfig.__dataclass_fields__)


def from_file(path: Path) -> Sources:
    doc = load_yaml(path) or {}
    p = str(path)
    mailboxes = []
    for raw in doc.get("mailboxes", []) or []:
        line = getattr(raw, "line", None)
        if isinstance(raw, dict) and "password" in raw:
            raise RuleError(p, line, "no password in the configuration file: use password_env or password_file")
        check_keys(raw, p, "mailbox", _MAILBOX_KEYS, ("name", "host", "port", "user"))
        if raw.get("security", "tls") not in ("tls", "starttls", "none"):
            raise RuleError(p, line, "security must be tls, starttls or none")
        if raw.get("security") == "none" and raw.get("insecure") is not True and not is_loopback(str(raw["host"])):
            raise RuleError(p, line, f"security: none sends the password in clear to {raw['host']}; use tls or "
                                     "starttls, or add insecure: true if you must")
        mailboxes.append(MailboxConfig(**dict(raw)))
    folders = tuple(Path(f) for f in doc.get("folders", []) or [])
    review = None
    if doc.get("reviewers"):
        r = doc["reviewers"]
        review = ReviewConfig(to=r["to"], sender=r.get("from", "docgen@localhost"),
                              smtp_host=r.get("smtp_host", "127.0.0.1"), smtp_port=int(r.get("smtp_port", 25)))
    return Sources(tuple(mailboxes), folders, review)
