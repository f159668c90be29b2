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
    ("0005_cases_letters_versions_audit", """
ALTER TABLE messages ADD COLUMN arrived TEXT;
ALTER TABLE messages ADD COLUMN sent TEXT;
ALTER TABLE messages ADD COLUMN sender TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN resolved_at TEXT;
UPDATE messages SET arrived = received, sent = received;
ALTER TABLE events RENAME COLUMN message_id TO message_row;
ALTER TABLE events ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
CREATE TABLE cases (
    v_nummer TEXT PRIMARY KEY,
    dirty INTEGER NOT NULL DEFAULT 1,
    next_check TEXT,
    state TEXT NOT NULL DEFAULT '',
    naam TEXT NOT NULL DEFAULT '',
    geboortedatum TEXT NOT NULL DEFAULT '',
    parketnummer TEXT NOT NULL DEFAULT '',
    next_due TEXT,
    next_label TEXT NOT NULL DEFAULT '',
    overdue INTEGER NOT NULL DEFAULT 0,
    waiting INTEGER NOT NULL DEFAULT 0,
    attention INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);
CREATE INDEX cases_dirty ON cases (dirty);
CREATE INDEX cases_next_check ON cases (next_check);
INSERT INTO cases (v_nummer) SELECT DISTINCT v_nummer FROM events;
CREATE TABLE case_keys (
    v_nummer TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key, v_nummer)
);
CREATE INDEX case_keys_by_case ON case_keys (v_nummer);
CREATE TABLE message_keys (
    message_row BIGINT NOT NULL REFERENCES messages(id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key, message_row)
);
CREATE TABLE letters (
    id {pk},
    v_nummer TEXT NOT NULL,
    slot TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    trigger_event BIGINT NOT NULL REFERENCES events(id),
    sequence INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    first_drafted_at TEXT,
    final_at TEXT,
    final_date TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX letters_by_case ON letters (v_nummer);
CREATE TABLE versions (
    id {pk},
    letter_id BIGINT NOT NULL REFERENCES letters(id),
    number INTEGER NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    facts_hash TEXT NOT NULL DEFAULT '',
    facts TEXT NOT NULL DEFAULT '{}',
    letter_date TEXT,
    docx_path TEXT NOT NULL DEFAULT '',
    pdf_path TEXT NOT NULL DEFAULT '',
    docx_sha256 TEXT NOT NULL DEFAULT '',
    open_points TEXT NOT NULL DEFAULT '[]',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_at TEXT,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TEXT,
    cosigned_by TEXT NOT NULL DEFAULT '',
    cosigned_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (letter_id, number)
);
CREATE INDEX versions_by_status ON versions (status);
CREATE TABLE audit (
    id {pk},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    v_nummer TEXT NOT NULL DEFAULT '',
    letter_id BIGINT,
    version INTEGER,
    message_row BIGINT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_case ON audit (v_nummer);
INSERT INTO letters (v_nummer, slot, kind, trigger_event, sequence, state, first_drafted_at, final_at, updated_at)
    SELECT v_nummer, letter || ':' || trigger_event, letter, trigger_event, 1,
           CASE review WHEN 'final' THEN 'definitief' WHEN 'approved' THEN 'goedgekeurd' ELSE 'concept' END,
           created_at, CASE review WHEN 'final' THEN created_at END, COALESCE(created_at, claimed_at)
    FROM drafts WHERE status = 'draft';
INSERT INTO versions (letter_id, number, origin, status, docx_path, pdf_path, created_at, approved_by, cosigned_by)
    SELECT l.id, d.version, 'gemaakt', l.state, d.docx_path, d.pdf_path, COALESCE(d.created_at, d.claimed_at),
           d.approved_by, d.cosigned_by
    FROM drafts d JOIN letters l ON l.slot = d.letter || ':' || d.trigger_event WHERE d.status = 'draft';
DROP TABLE drafts
"""),
    ("0006_web_sessions_and_login_failures", """
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
    ("0007_case_steps", """
ALTER TABLE cases ADD COLUMN steps TEXT NOT NULL DEFAULT '{}';
UPDATE cases SET dirty = 1
"""),
    ("0008_web_list_indexes", """
CREATE INDEX messages_by_status ON messages (status);
CREATE INDEX letters_by_state ON letters (state);
CREATE INDEX cases_by_due ON cases (next_due);
CREATE INDEX cases_by_state ON cases (state);
CREATE INDEX audit_by_letter ON audit (letter_id)
"""),
)
