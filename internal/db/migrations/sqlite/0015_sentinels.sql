-- Sentinels (哨点): village and private clinics, pharmacies, township fever
-- rooms, fever clinics, schools, care homes and markets; the accounts bound
-- to them; fever reports with their 2-hour clock; daily returns (日报告、零报告);
-- pharmacy buyers of the four drug classes (verification tasks of the
-- buyer's village); school and care-home morning/noon checks (晨午检); the
-- clocks as effective-dated policy rows.
CREATE TABLE sentinels (
    id              INTEGER PRIMARY KEY,
    unit_code       TEXT NOT NULL REFERENCES units (code),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    may_treat_fever INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (unit_code, name)
);
CREATE INDEX sentinels_unit ON sentinels (unit_code);

CREATE TABLE sentinel_users (
    user_id     INTEGER NOT NULL UNIQUE REFERENCES users (id),
    sentinel_id INTEGER NOT NULL REFERENCES sentinels (id),
    bound_at    INTEGER NOT NULL,
    bound_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sentinel_users_sentinel ON sentinel_users (sentinel_id);

CREATE TABLE sentinel_reports (
    id            INTEGER PRIMARY KEY,
    sentinel_id   INTEGER NOT NULL REFERENCES sentinels (id),
    unit_code     TEXT NOT NULL REFERENCES units (code),
    township_code TEXT NOT NULL,
    person_id     INTEGER REFERENCES people (id),
    name          TEXT NOT NULL,
    id_number     TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    temp_tenths   INTEGER NOT NULL DEFAULT 0,
    symptoms      TEXT NOT NULL DEFAULT '',
    drugs         TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    status        TEXT NOT NULL,
    found_at      INTEGER NOT NULL,
    day           TEXT NOT NULL,
    reported_at   INTEGER NOT NULL,
    ack_due_at    INTEGER NOT NULL,
    acked_at      INTEGER NOT NULL DEFAULT 0,
    acked_by      TEXT NOT NULL DEFAULT '',
    escalated_at  INTEGER NOT NULL DEFAULT 0,
    sampled_at    INTEGER NOT NULL DEFAULT 0,
    sent_at       INTEGER NOT NULL DEFAULT 0,
    result        TEXT NOT NULL DEFAULT '',
    result_at     INTEGER NOT NULL DEFAULT 0,
    flagged       INTEGER NOT NULL DEFAULT 0,
    referred_to   INTEGER REFERENCES sentinels (id),
    arrived_at    INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sentinel_reports_unit ON sentinel_reports (unit_code, status);
CREATE INDEX sentinel_reports_township ON sentinel_reports (township_code, status);
CREATE INDEX sentinel_reports_sentinel ON sentinel_reports (sentinel_id, day);
CREATE INDEX sentinel_reports_clock ON sentinel_reports (status, ack_due_at);
CREATE INDEX sentinel_reports_person ON sentinel_reports (person_id);

CREATE TABLE sentinel_returns (
    sentinel_id  INTEGER NOT NULL REFERENCES sentinels (id),
    day          TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    fevers       INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    first_at     INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    submitted_by TEXT NOT NULL DEFAULT '',
    revisions    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (sentinel_id, day)
);
CREATE INDEX sentinel_returns_day ON sentinel_returns (day, unit_code);

CREATE TABLE sentinel_buyers (
    id           INTEGER PRIMARY KEY,
    sentinel_id  INTEGER NOT NULL REFERENCES sentinels (id),
    village_code TEXT NOT NULL REFERENCES units (code),
    name         TEXT NOT NULL,
    id_number    TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    drug_class   TEXT NOT NULL,
    drug_name    TEXT NOT NULL DEFAULT '',
    bought_at    INTEGER NOT NULL,
    test_due_at  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    answered_at  INTEGER NOT NULL DEFAULT 0,
    answered_by  TEXT NOT NULL DEFAULT '',
    answer_note  TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (sentinel_id, id_number, phone, bought_at)
);
CREATE INDEX sentinel_buyers_village ON sentinel_buyers (village_code, status);

CREATE TABLE sentinel_checks (
    sentinel_id INTEGER NOT NULL REFERENCES sentinels (id),
    day         TEXT NOT NULL,
    grp         TEXT NOT NULL,
    present     INTEGER NOT NULL DEFAULT 0,
    absent_ill  INTEGER NOT NULL DEFAULT 0,
    fevers      INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sentinel_id, day, grp)
);

CREATE TABLE sentinel_clocks (
    id               INTEGER PRIMARY KEY,
    effective_from   TEXT NOT NULL UNIQUE,
    ack_hours        INTEGER NOT NULL,
    return_cutoff    TEXT NOT NULL,
    buyer_test_hours INTEGER NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
