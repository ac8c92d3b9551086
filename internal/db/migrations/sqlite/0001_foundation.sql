-- Foundation: jurisdictions, households, people, users, sessions, audit.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES units (code),
    level       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_parent ON units (parent_code);

CREATE TABLE grids (
    id           INTEGER PRIMARY KEY,
    village_code TEXT NOT NULL REFERENCES units (code),
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (village_code, name)
);

CREATE TABLE households (
    id         INTEGER PRIMARY KEY,
    no         TEXT NOT NULL UNIQUE,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    grid_id    INTEGER REFERENCES grids (id),
    address    TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    cadre_name  TEXT NOT NULL DEFAULT '',
    cadre_phone TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX households_unit ON households (unit_code);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    id_number    TEXT UNIQUE,
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL DEFAULT '',
    birth_date   TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    household_id INTEGER REFERENCES households (id),
    relation     TEXT NOT NULL DEFAULT '',
    unit_code    TEXT NOT NULL REFERENCES units (code),
    residence    TEXT NOT NULL DEFAULT '常住',
    groups       INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    merged_into  INTEGER REFERENCES people (id),
    active       INTEGER NOT NULL DEFAULT 1,
    left_reason  TEXT NOT NULL DEFAULT '',
    left_on      TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX people_unit ON people (unit_code, household_id);
CREATE INDEX people_stats ON people (active, unit_code, residence, groups);
CREATE INDEX people_household ON people (household_id);
CREATE INDEX people_name ON people (name);
CREATE INDEX people_phone ON people (phone);

CREATE TABLE person_merges (
    id         INTEGER PRIMARY KEY,
    kept_id    INTEGER NOT NULL REFERENCES people (id),
    merged_id  INTEGER NOT NULL REFERENCES people (id),
    snapshot   TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    at         INTEGER NOT NULL
);

CREATE TABLE responsibles (
    id           INTEGER PRIMARY KEY,
    unit_code    TEXT NOT NULL REFERENCES units (code),
    grid_id      INTEGER REFERENCES grids (id),
    duty         TEXT NOT NULL,
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX responsibles_unit ON responsibles (unit_code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit_code     TEXT NOT NULL REFERENCES units (code),
    phone         TEXT NOT NULL DEFAULT '',
    must_change   INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX users_unit ON users (unit_code);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    username     TEXT NOT NULL,
    role         TEXT NOT NULL,
    actor_unit   TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    subject_unit TEXT NOT NULL,
    summary      TEXT NOT NULL,
    ip           TEXT NOT NULL,
    request_id   TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_log (subject_unit, at);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
