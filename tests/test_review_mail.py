"""A draft reaches the reviewers: mailed over SMTP with the DOCX and PDF attached (a real SMTP server on loopback)."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import threading

import pytest
from conftest import ROOT, SAMPLE, wait_for

from docgen.config import Settings
from docgen.sources.config import from_file
from docgen.watcher import Watcher


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    yield controller, received
    controller.stop()


def test_a_fresh_draft_is_mailed_to_the_reviewers(tmp_path, smtp_server):
    controller, received = smtp_server
    inbox = tmp_path / "inbox"
    config = tmp_path / "docgen.yaml"
    config.write_text(f"folders: [{inbox}]\nreviewers:\n  to: b83-review@ind.example\n  from: docgen@ind.example\n"
                      f"  smtp_host: 127.0.0.1\n  smtp_port: {controller.port}\n")
    settings = Settings(data=tmp_path / "var", rules=ROOT / "inbox_rules", templates=ROOT / "templates")
    watcher = Watcher(settings, from_file(config), poll_seconds=0.5)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        inbox.mkdir(exist_ok=True)
        shutil.copy(SAMPLE / "0006.eml", inbox / "0006.eml")
        wait_for(lambda: received, timeout=60)
    finally:
        watcher.request_stop()
        thread.join(timeout=60)
    (rcpt, content), = received
    assert rcpt == ["b83-review@ind.example"]
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert "7668220325" in msg["Subject"] and "Kwame" not in msg["Subject"]  # V-nummer, no name
    names = sorted(part.get_filename() for part in msg.iter_attachments())
    assert names == ["7668220325-voornemen-intrekking-v1.docx", "7668220325-voornemen-intrekking-v1.pdf"]
