-- Break-the-glass (跨辖区查看): a one-time grant to read one person outside
-- the reader's jurisdiction, for a stated reason; used once, or expired.
CREATE TABLE break_glass_grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    unit_code  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX break_glass_user ON break_glass_grants (user_id, created_at);
