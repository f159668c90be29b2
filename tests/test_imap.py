"""The functional mailbox over IMAP, against a real Dovecot: once, moved after commit, never deleted."""

from __future__ import annotations

import threading

import pytest
from conftest import HOSTILE, ROOT, SAMPLE, draft, wait_for

from docgen.config import Settings
from docgen.register.store import Store
from docgen.sources.config import from_urls
from docgen.watcher import Watcher


@pytest.fixture
def settings(tmp_path, monkeypatch, imap_server):
    monkeypatch.setenv("DOCGEN_IMAP_PASSWORD", imap_server["IMAP_PASSWORD"])
    monkeypatch.delenv("DOCGEN_DATABASE_URL", raising=False)
    return Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")


class Running:
    def __init__(self, settings, url):
        self.watcher = Watcher(settings, from_urls([url]), poll_seconds=0.5)
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.watcher.request_stop()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()


def _messages(settings):
    with Store(settings.database) as store:
        return store.messages()


def test_mail_is_processed_once_moved_after_commit_and_left_unread(settings, mailbox):
    for name in ("0014.eml", "0003.eml", "0004.eml"):  # a sepot, an M55, a phishing mail
        mailbox.append((SAMPLE / name).read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: not mailbox.uids() and draft(settings.data, "5878505886", "voornemen-intrekking", ext="pdf").exists())
    assert len(mailbox.uids(f"{mailbox.folder}.Verwerkt")) == 2
    assert len(mailbox.uids(f"{mailbox.folder}.Triage")) == 1  # the phishing mail, for a monitor to see
    assert all(b"\\Seen" not in flags for flags in mailbox.flags(f"{mailbox.folder}.Verwerkt"))
    assert {m["type"] for m in _messages(settings)} == {"sepot", "m55", "overig"}


def test_a_restart_resumes_where_it_stopped(settings, mailbox):
    mailbox.append((SAMPLE / "0003.eml").read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: len(_messages(settings)) == 1)
    mailbox.append((SAMPLE / "0013.eml").read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: len(_messages(settings)) == 2 and not mailbox.uids())
    assert len(mailbox.uids(f"{mailbox.folder}.Verwerkt")) == 2


def test_a_message_committed_but_not_moved_before_a_crash_is_moved_not_processed_again(settings, mailbox):
    mailbox.append((SAMPLE / "0003.eml").read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: not mailbox.uids())
    # Put it back as if the move had never happened (same UIDVALIDITY, the register knows the message).
    mailbox.client.select_folder(f"{mailbox.folder}.Verwerkt")
    mailbox.client.move(mailbox.client.search(["ALL"]), mailbox.folder)
    with Running(settings, mailbox.url):
        wait_for(lambda: not mailbox.uids())
    assert len(_messages(settings)) == 1
    assert len(mailbox.uids(f"{mailbox.folder}.Verwerkt")) == 1


def test_unsafe_mail_goes_to_the_quarantine_folder_and_the_watcher_goes_on(settings, mailbox):
    mailbox.append((HOSTILE / "h02_traversal_unix.eml").read_bytes())
    mailbox.append((SAMPLE / "0003.eml").read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: not mailbox.uids())
    assert len(mailbox.uids(f"{mailbox.folder}.Quarantaine")) == 1
    assert len(mailbox.uids(f"{mailbox.folder}.Verwerkt")) == 1
    quarantined = [m for m in _messages(settings) if m["status"] == "quarantined"]
    assert len(quarantined) == 1 and "path traversal" in quarantined[0]["triage_reasons"]


def test_status_shows_the_mailbox_connected_with_its_last_message(settings, mailbox):
    mailbox.append((SAMPLE / "0003.eml").read_bytes())
    with Running(settings, mailbox.url):
        wait_for(lambda: not mailbox.uids())
        from conftest import run_docgen

        out = run_docgen("status", "--data", str(settings.data)).stdout
    assert mailbox.folder in out and "connected" in out
    assert "triage: 0 message(s)" in out


def test_a_config_file_with_a_password_in_it_is_refused(tmp_path):
    from conftest import run_docgen

    config = tmp_path / "docgen.yaml"
    config.write_text("mailboxes:\n  - name: b83\n    host: 127.0.0.1\n    port: 143\n    user: u\n"
                      "    password: geheim\n")
    proc = run_docgen("watch", "--config", str(config), "--data", str(tmp_path / "var"), check=False)
    assert proc.returncode == 2
    assert "docgen.yaml:2" in proc.stderr and "no password in the configuration file" in proc.stderr
