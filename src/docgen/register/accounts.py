"""Accounts of the web application: users (scrypt hash, role), their sessions, and failed logins.

Sessions live here, not only in a signed cookie, so they can be ended: at logout, and for every
session of a user when that user is removed or gets another password or role. Only a SHA-256 of
a session token is stored, so a copy of the register opens no session.
"""

from __future__ import annotations

import datetime as dt


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Accounts:
    def __init__(self, store):
        self.store = store
        self.db = store.db

    # -- users --------------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, role: str) -> bool:
        """False when the name is taken: an existing account is never changed by adding it again."""
        with self.db.transaction():
            row = self.db.one("INSERT INTO users (name, password_hash, role, created_at) VALUES (?,?,?,?)"
                              " ON CONFLICT (name) DO NOTHING RETURNING name", (name, password_hash, role, now()))
            return row is not None

    def remove_user(self, name: str) -> bool:
        with self.db.transaction():
            self.end_sessions(name)
            return self.db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 1

    def set_password(self, name: str, password_hash: str) -> bool:
        """A new password ends every session of the user (someone may have known the old one)."""
        with self.db.transaction():
            self.end_sessions(name)
            return self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                                   (password_hash, name)).rowcount == 1

    def set_role(self, name: str, role: str) -> bool:
        """A new role ends every session of the user: the next login gets the new rights, no session keeps old ones."""
        with self.db.transaction():
            self.end_sessions(name)
            return self.db.execute("UPDATE users SET role = ? WHERE name = ?", (role, name)).rowcount == 1

    def user(self, name: str):
        return self.db.one("SELECT * FROM users WHERE name = ?", (name,))

    def users(self) -> list:
        return self.db.all("SELECT name, role, created_at FROM users ORDER BY name")

    # -- sessions -----------------------------------------------------------------------------

    def open_session(self, token_hash: str, name: str, at: float, expires_at: float) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM web_sessions WHERE expires_at < ?", (at,))
            self.db.execute("INSERT INTO web_sessions (token_hash, user_name, created_at, expires_at)"
                            " VALUES (?,?,?,?)", (token_hash, name, at, expires_at))

    def session_user(self, token_hash: str, at: float):
        """The user (name, role) of a live session; None when it ended, expired, or its user is gone."""
        return self.db.one("SELECT u.name, u.role FROM web_sessions s JOIN users u ON u.name = s.user_name"
                           " WHERE s.token_hash = ? AND s.expires_at > ?", (token_hash, at))

    def end_session(self, token_hash: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))

    def end_sessions(self, name: str) -> int:
        with self.db.transaction():
            return self.db.execute("DELETE FROM web_sessions WHERE user_name = ?", (name,)).rowcount

    # -- failed logins ------------------------------------------------------------------------

    def recent_failures(self, name: str, address: str, since: float) -> tuple[list[float], list[float]]:
        """Times of failed logins since `since`, newest first: for this name, and from this address."""
        by_name = self.db.all("SELECT at FROM login_failures WHERE user_name = ? AND at >= ? ORDER BY at DESC",
                              (name, since))
        by_address = self.db.all("SELECT at FROM login_failures WHERE address = ? AND at >= ? ORDER BY at DESC",
                                 (address, since))
        return [float(r["at"]) for r in by_name], [float(r["at"]) for r in by_address]

    def add_failure(self, name: str, address: str, at: float, forget_before: float) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM login_failures WHERE at < ?", (forget_before,))
            self.db.execute("INSERT INTO login_failures (user_name, address, at) VALUES (?,?,?)", (name, address, at))

    def clear_failures(self, name: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM login_failures WHERE user_name = ?", (name,))
