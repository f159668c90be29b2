"""Settings: where data, inbox, rules and templates live. Defaults are the embedded setup under ./"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default(name: str, env: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value)
    return PROJECT_ROOT / name if (PROJECT_ROOT / name).is_dir() else Path(name)


@dataclass(frozen=True)
class Settings:
    data: Path
    rules: Path
    templates: Path

    @classmethod
    def from_env(cls, data: str | Path | None = None) -> Settings:
        return cls(
            data=Path(data or os.environ.get("DOCGEN_DATA", "var")),
            rules=_default("inbox_rules", "DOCGEN_RULES"),
            templates=_default("templates", "DOCGEN_TEMPLATES"),
        )

    @property
    def database(self) -> Path:
        return self.data / "docgen.sqlite3"

    @property
    def database_url(self) -> str:
        """PostgreSQL when DOCGEN_DATABASE_URL names one; else SQLite in the data directory."""
        return os.environ.get("DOCGEN_DATABASE_URL") or str(self.database)

    @property
    def outbox(self) -> Path:
        return self.data / "outbox"

    @property
    def messages(self) -> Path:
        """Every message as it was received, named by its SHA-256 (the register's key)."""
        return self.data / "messages"

    @property
    def quarantine(self) -> Path:
        return self.data / "quarantine"
