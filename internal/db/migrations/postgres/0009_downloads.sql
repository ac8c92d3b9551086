-- Downloads: files a user fetches after an action, such as an import's full
-- error report; kept an hour.
CREATE TABLE downloads (
    token      TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    body       BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX downloads_created ON downloads (created_at);
