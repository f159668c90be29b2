"""An administrator keeps the web application's accounts with `docgen users`: adding a name twice is
refused, a password or a role is changed on purpose (and ends the user's sessions, see
test_web_security.py)."""

from __future__ import annotations

import os
import subprocess

from conftest import DOCGEN, ROOT

PASSWORD = "correct-horse-battery"


def users(data, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCGEN, "users", *args, "--data", str(data)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DOCGEN_PASSWORD": password}, timeout=120)


def account(data, name: str):
    from docgen.register.store import Reviews, Store

    with Store(data / "docgen.sqlite3") as store:
        return Reviews(store).user(name)


def password_works(data, name: str, password: str) -> bool:
    from docgen.web.auth import verify

    return verify(account(data, name), password)


def test_adding_a_name_that_exists_is_refused_and_changes_nothing(tmp_path):
    data = tmp_path / "var"
    assert users(data, "add", "eva", "--role", "monitor").returncode == 0
    again = users(data, "add", "eva", "--role", "admin", password="a-different-password")
    assert again.returncode == 2
    assert "exists already" in again.stderr and "added" not in again.stdout
    assert account(data, "eva")["role"] == "monitor"
    assert password_works(data, "eva", PASSWORD) and not password_works(data, "eva", "a-different-password")


def test_passwd_gives_a_user_a_new_password(tmp_path):
    data = tmp_path / "var"
    users(data, "add", "eva", "--role", "monitor")
    changed = users(data, "passwd", "eva", password="a-brand-new-password")
    assert changed.returncode == 0, changed.stderr
    assert password_works(data, "eva", "a-brand-new-password") and not password_works(data, "eva", PASSWORD)
    short = users(data, "passwd", "eva", password="kort")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    assert password_works(data, "eva", "a-brand-new-password")


def test_role_gives_a_user_another_role(tmp_path):
    data = tmp_path / "var"
    users(data, "add", "eva", "--role", "monitor")
    assert users(data, "role", "eva", "behandelaar").returncode == 0
    assert account(data, "eva")["role"] == "behandelaar"
    wrong = users(data, "role", "eva", "koning")
    assert wrong.returncode == 2 and "must be one of" in wrong.stderr
    assert account(data, "eva")["role"] == "behandelaar"


def test_changing_an_account_that_does_not_exist_is_an_error(tmp_path):
    data = tmp_path / "var"
    for args in (("passwd", "nobody"), ("role", "nobody", "monitor"), ("remove", "nobody")):
        done = users(data, *args)
        assert done.returncode == 2 and "no user nobody" in done.stderr, args
    assert account(data, "nobody") is None


def test_sessions_and_failed_logins_are_kept_in_either_register(database_url):
    """SQLite and PostgreSQL alike: a session lives until it expires or its user changes; failures are counted."""
    from docgen.register.store import Reviews, Store
    from docgen.web import throttle

    with Store(database_url) as store:
        accounts = Reviews(store)
        assert accounts.add_user("eva", "hash", "monitor") and not accounts.add_user("eva", "other", "admin")
        accounts.open_session("token-1", "eva", 1000.0, 2800.0)
        accounts.open_session("token-2", "eva", 1000.0, 2800.0)
        assert accounts.session_user("token-1", 1500.0)["role"] == "monitor"
        assert accounts.session_user("token-1", 2900.0) is None  # expired
        accounts.end_session("token-1")
        assert accounts.session_user("token-1", 1500.0) is None and accounts.session_user("token-2", 1500.0)
        accounts.set_role("eva", "behandelaar")
        assert accounts.session_user("token-2", 1500.0) is None  # a new role ends every session

        at = 10_000.0
        for i in range(throttle.PER_NAME):
            assert throttle.begin(accounts, "eva", "192.0.2.1", at + i) is None
        lock = throttle.begin(accounts, "eva", "192.0.2.2", at + 10)
        assert lock is not None and lock.by == "name" and lock.until == at + throttle.WINDOW_SECONDS
        assert "over 15 minuten" in lock.message(at + 10)
        throttle.succeeded(accounts, "eva")
        assert throttle.begin(accounts, "eva", "192.0.2.2", at + 11) is None
        assert throttle.begin(accounts, "eva", "192.0.2.2", at + 12 + throttle.WINDOW_SECONDS) is None
