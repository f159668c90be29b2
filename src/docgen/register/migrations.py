"""Ordered, named schema migrations. Append only: a released migration never changes.

`{pk}` is the dialect's auto-numbered primary key (see db.PK).
"""

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_messages_events_drafts", """
CREATE TABLE messages (
    id {pk},
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    name TEXT NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    received TEXT,
    processed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    type TEXT,
    v_nummers TEXT NOT NULL DEFAULT '[]',
    fields TEXT NOT NULL DEFAULT '{}',
    reasons TEXT NOT NULL DEFAULT '[]',
    triage_reasons TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE events (
    id {pk},
    v_nummer TEXT NOT NULL,
    kind TEXT NOT NULL,
    event_date TEXT,
    received TEXT,
    message_id BIGINT NOT NULL REFERENCES messages(id),
    fields TEXT NOT NULL DEFAULT '{}',
    UNIQUE (v_nummer, kind, message_id)
);
CREATE INDEX events_by_case ON events (v_nummer, event_date);
CREATE INDEX events_by_kind ON events (kind);
CREATE TABLE drafts (
    id {pk},
    v_nummer TEXT NOT NULL,
    letter TEXT NOT NULL,
    trigger_event BIGINT NOT NULL REFERENCES events(id),
    status TEXT NOT NULL,
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_at TEXT NOT NULL,
    docx_path TEXT NOT NULL DEFAULT '',
    pdf_path TEXT NOT NULL DEFAULT '',
    created_at TEXT,
    UNIQUE (letter, trigger_event)
);
CREATE INDEX drafts_by_case ON drafts (v_nummer)
"""),
    ("0002_imap_seen_and_source_status", """
CREATE TABLE imap_seen (
    mailbox TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    target TEXT NOT NULL,
    moved INTEGER NOT NULL DEFAULT 0,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (mailbox, uidvalidity, uid)
);
CREATE TABLE source_status (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    last_message_at TEXT,
    backlog INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
)
"""),
    ("0003_users_and_review", """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE drafts ADD COLUMN review TEXT NOT NULL DEFAULT 'open';
ALTER TABLE drafts ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN cosigned_by TEXT NOT NULL DEFAULT ''
"""),
    ("0004_draft_versions", """
ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN corrected_by TEXT NOT NULL DEFAULT ''
"""),
    ("0005_web_sessions_and_login_failures", """
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_name);
CREATE TABLE login_failures (
    id {pk},
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (user_name, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at)
"""),
)
