-- Notifications (通知): the county's message templates per event kind, in
-- versions; the in-app inbox; the outbox, which is also the delivery log
-- (one row per message, per channel and recipient); de-duplication keys;
-- residents' opt-outs; alerts waiting to be handled, for escalation.
CREATE TABLE notify_templates (
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    channels   TEXT NOT NULL DEFAULT '',
    sms_code   TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, version)
);

CREATE TABLE notify_inbox (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    unit_code  TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notify_inbox_user ON notify_inbox (user_id, created_at);

CREATE TABLE notify_outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    target       TEXT NOT NULL,
    target_name  TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    sms_code     TEXT NOT NULL DEFAULT '',
    vars         TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT NOT NULL DEFAULT '',
    provider_id  TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
CREATE INDEX notify_outbox_unit ON notify_outbox (unit_code, created_at);
CREATE INDEX notify_outbox_target ON notify_outbox (target, sent_at);
CREATE INDEX notify_outbox_provider ON notify_outbox (provider_id);

CREATE TABLE notify_dedup (
    dedup_key TEXT PRIMARY KEY,
    until_at  INTEGER NOT NULL
);

CREATE TABLE notify_optout (
    phone      TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE notify_open (
    dedup_key  TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    unit_code  TEXT NOT NULL,
    vars       TEXT NOT NULL DEFAULT '{}',
    link       TEXT NOT NULL DEFAULT '',
    up         INTEGER NOT NULL DEFAULT 0,
    due_at     INTEGER NOT NULL,
    handled_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notify_open_due ON notify_open (handled_at, due_at);
