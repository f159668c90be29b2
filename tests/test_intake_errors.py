"""Nothing is lost and nothing stalls: a spoofed sender goes to a human, a crash in any stage is recorded
with its reason, a broken register fails loudly and leaves the mail for later."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading

import hostile_mail as hostile
import pytest
from conftest import DOCGEN, ROOT, SAMPLE, run_docgen, wait_for
from test_intake_folder import messages

SEPOT, ZIENSWIJZE = "0006.eml", "0038.eml"


def jsonl(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_an_encoded_display_name_cannot_pose_as_the_om(tmp_path):
    spoof = tmp_path / "sepot.eml"
    spoof.write_bytes(hostile.spoofed_sender())
    (row,) = jsonl(run_docgen("classify", "--jsonl", str(spoof)))
    assert row["type"] == "sepot" and row["triage"] is True
    assert any("de naam van de afzender toont het adres parket@om.nl, maar de mail komt van attacker@evil.example"
               in reason for reason in row["reasons"])


def test_a_spoofed_sepot_drafts_no_voornemen(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    (inbox / "sepot.eml").write_bytes(hostile.spoofed_sender())
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    (row,) = messages(data)
    assert row["status"] == "triage"
    assert not (data / "outbox").exists() or not any((data / "outbox").rglob("*.docx"))


def test_the_same_name_without_encoding_and_the_real_address_is_trusted(rules):
    from docgen.classify import classify
    from docgen.parse import parse_message

    raw = hostile.spoofed_sender().replace(b"=?utf-8?q?parket=40om=2Enl?= <attacker@evil.example>",
                                           b'"parket@om.nl" <parket@om.nl>')
    result = classify(parse_message(raw), rules)
    assert (result.type, result.triage) == ("sepot", False)


def test_a_crash_while_classifying_is_quarantined_with_its_reason_and_shown_in_status(tmp_path):
    inbox, data, templates = tmp_path / "inbox", tmp_path / "var", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "bouwstenen.yaml").write_text("bouwstenen:\n  - key: x\n    titel: kapot\n", encoding="utf-8")
    inbox.mkdir()
    shutil.copy(SAMPLE / ZIENSWIJZE, inbox)
    env = {**os.environ, "DOCGEN_TEMPLATES": str(templates)}
    subprocess.run([*DOCGEN, "run", "--inbox", str(inbox), "--data", str(data), "--once"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)
    reason = (inbox / "quarantine" / (ZIENSWIJZE + ".reason.txt")).read_text()
    assert reason.startswith("classify failed (TemplateError): bouwstenen.yaml")
    (row,) = messages(data)
    assert row["status"] == "quarantined"
    status = run_docgen("status", "--data", str(data)).stdout
    source = next(line for line in status.splitlines() if line.startswith("folder:"))
    assert source.split()[4] == "1" and "classify failed (TemplateError)" in source  # errors, last error
    assert "quarantine: 1" in status and f"{ZIENSWIJZE}  — classify failed (TemplateError)" in status


def test_a_message_that_makes_a_pattern_run_too_long_is_recorded_not_retried_for_ever(tmp_path):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    (inbox / "lang.eml").write_bytes(hostile.single_line_body(3_000_000))
    run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once")
    assert not (inbox / "lang.eml").exists()
    (row,) = messages(data)
    assert row["status"] in ("quarantined", "triage") and json.loads(row["triage_reasons"])


def test_classify_goes_on_after_a_file_it_cannot_handle(tmp_path):
    deep = tmp_path / "diep.eml"
    deep.write_bytes(hostile.nested_multiparts(3000))
    proc = run_docgen("classify", "--jsonl", str(tmp_path / "weg.eml"), str(deep), str(SAMPLE / SEPOT))
    missing, nested, sepot = jsonl(proc)
    assert missing["file"] == "weg.eml" and missing["triage"] is True and "FileNotFoundError" in missing["error"]
    assert nested["triage"] is True and (nested.get("error") or nested.get("quarantine"))
    assert sepot["type"] == "sepot" and sepot["v_nummers"] == ["7668220325"]


def _inbox_with(tmp_path, name=SEPOT):
    inbox, data = tmp_path / "inbox", tmp_path / "var"
    inbox.mkdir()
    shutil.copy(SAMPLE / name, inbox)
    return inbox, data


def test_a_locked_register_fails_the_run_and_leaves_the_mail(tmp_path):
    inbox, data = _inbox_with(tmp_path)
    from docgen.register.store import Store

    Store(data / "docgen.sqlite3").close()  # an existing register
    holder = sqlite3.connect(data / "docgen.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        proc = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("docgen: the register ")
    assert "is locked by another process" in proc.stderr and "Traceback" not in proc.stderr
    assert (inbox / SEPOT).exists()


def test_a_damaged_register_is_a_one_line_error(tmp_path):
    inbox, data = _inbox_with(tmp_path)
    data.mkdir()
    (data / "docgen.sqlite3").write_bytes(os.urandom(8192))
    for command in (["run", "--inbox", str(inbox), "--data", str(data), "--once"], ["status", "--data", str(data)]):
        proc = run_docgen(*command, check=False)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr
        assert "is damaged (file is not a database)" in proc.stderr
    assert (inbox / SEPOT).exists()


def test_a_read_only_data_directory_is_a_one_line_error(tmp_path):
    inbox, data = _inbox_with(tmp_path)
    data.mkdir()
    if os.geteuid() == 0:  # root writes through mode bits; the immutable flag stops root too
        if subprocess.run(["chattr", "+i", str(data)], capture_output=True).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i")
    else:
        data.chmod(0o555)
    try:
        proc = run_docgen("run", "--inbox", str(inbox), "--data", str(data), "--once", check=False)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(data)], check=True)
        data.chmod(0o755)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("docgen: the register ")
    assert (inbox / SEPOT).exists()


def test_a_postgresql_register_that_cannot_be_reached_is_a_one_line_error(tmp_path):
    with socket.socket() as closed:  # a free port: nothing listens there
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**os.environ, "DOCGEN_DATABASE_URL": f"postgresql://docgen:geheim@127.0.0.1:{port}/docgen"}
    proc = subprocess.run([*DOCGEN, "status", "--data", str(tmp_path / "var")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"docgen: the register 127.0.0.1:{port}/docgen cannot be used") and "geheim" not in line


def test_cleartext_imap_to_another_host_needs_insecure(tmp_path):
    proc = run_docgen("watch", "--source", "imap://b83@192.0.2.10:143/INBOX", "--data", str(tmp_path / "var"),
                      check=False, timeout=60)
    assert proc.returncode != 0
    assert "imap:// sends the password in clear to 192.0.2.10" in proc.stderr and "--insecure" in proc.stderr


def test_security_none_in_the_configuration_needs_insecure_true(tmp_path):
    config = tmp_path / "docgen.yaml"
    config.write_text("mailboxes:\n  - name: b83\n    host: imap.example.org\n    port: 143\n    security: none\n"
                      "    user: b83\n    password_env: B83_PASSWORD\n", encoding="utf-8")
    proc = run_docgen("watch", "--config", str(config), "--data", str(tmp_path / "var"), check=False, timeout=60)
    assert proc.returncode != 0 and "security: none sends the password in clear to imap.example.org" in proc.stderr


def test_cleartext_imap_to_loopback_is_allowed_with_a_loud_warning(tmp_path):
    with socket.socket() as closed:  # a free port: nothing listens there
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**os.environ, "DOCGEN_IMAP_PASSWORD": "geheim"}
    proc = subprocess.Popen([*DOCGEN, "watch", "--source", f"imap://b83@127.0.0.1:{port}/INBOX", "--data",
                             str(tmp_path / "var"), "--inbox", str(tmp_path / "inbox")], cwd=ROOT, env=env,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any("WITHOUT TLS" in line for line in lines), timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        reader.join(timeout=10)
        proc.stderr.close()
    assert any("WARNING" in line and "WITHOUT TLS" in line and "password" in line for line in lines), lines

