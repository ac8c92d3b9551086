-- Form claims: the double-submit guard of page forms (internal/web
-- formonce.go). Each rendered form carries a fresh random id (_form); the
-- first POST with it claims the id here before its handler runs, and a
-- second POST of the same form (a tap on 提交 again, a resend after a lost
-- redirect) is answered with the first one's result instead of running
-- again. session_id is the session's id ('' on a public page); digest the
-- fields sent, so that the same id with other fields is no resend; status
-- is 'pending' while the first request runs, 'done' with the Location it
-- redirected to. Kept a day.
CREATE TABLE form_claims (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL DEFAULT '',
    digest     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending',
    location   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX form_claims_created ON form_claims (created_at);
