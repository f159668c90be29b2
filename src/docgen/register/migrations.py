"""Ordered, named schema migrations. Append only: a released migration never changes."""

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_messages_events_drafts", """
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    name TEXT NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    received TEXT,
    processed_at TEXT NOT NULL,
    status TEXT NOT NULL,            -- classified | triage | quarantined
    type TEXT,
    v_nummers TEXT NOT NULL DEFAULT '[]',
    fields TEXT NOT NULL DEFAULT '{}',
    reasons TEXT NOT NULL DEFAULT '[]',
    triage_reasons TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    v_nummer TEXT NOT NULL,
    kind TEXT NOT NULL,
    event_date TEXT,
    received TEXT,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    fields TEXT NOT NULL DEFAULT '{}',
    UNIQUE (v_nummer, kind, message_id)
);
CREATE INDEX events_by_case ON events (v_nummer, event_date);
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    v_nummer TEXT NOT NULL,
    letter TEXT NOT NULL,
    trigger_event INTEGER NOT NULL REFERENCES events(id),
    docx_path TEXT NOT NULL,
    pdf_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    UNIQUE (letter, trigger_event)
);
"""),
)
