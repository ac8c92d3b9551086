-- Control measures (管控措施) driven by a versioned policy table (防控政策):
-- policy versions (immutable), measures with their phases, scheduled tests,
-- health checks and alerts.
CREATE TABLE policy_versions (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    effective_from TEXT NOT NULL DEFAULT '',
    based_on       TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    builtin        INTEGER NOT NULL DEFAULT 0,
    rules          TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
-- Versions are never changed in place: copy one into a new version.
CREATE TRIGGER policy_versions_no_update BEFORE UPDATE ON policy_versions
BEGIN
    SELECT RAISE(ABORT, 'policy versions are immutable');
END;
CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions
BEGIN
    SELECT RAISE(ABORT, 'policy versions are immutable');
END;

CREATE TABLE measures (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES people (id),
    unit_code           TEXT NOT NULL,
    category            TEXT NOT NULL,
    choice              TEXT NOT NULL DEFAULT '',
    day_zero            TEXT NOT NULL,
    place               TEXT NOT NULL DEFAULT '',
    risk_level          TEXT NOT NULL DEFAULT '',
    policy_version_id   INTEGER NOT NULL REFERENCES policy_versions (id),
    policy_version      TEXT NOT NULL,
    status              TEXT NOT NULL,
    assigned_on         TEXT NOT NULL,
    end_date            TEXT NOT NULL DEFAULT '',
    open_ended          INTEGER NOT NULL DEFAULT 0,
    release_on_negative INTEGER NOT NULL DEFAULT 0,
    explanation         TEXT NOT NULL,
    source              TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    token               TEXT NOT NULL UNIQUE,
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    released_at         INTEGER NOT NULL DEFAULT 0,
    released_by         TEXT NOT NULL DEFAULT '',
    released_on         TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX measures_unit ON measures (status, unit_code);
CREATE INDEX measures_person ON measures (person_id, status);
CREATE INDEX measures_released ON measures (released_on, unit_code);
CREATE INDEX measures_assigned ON measures (assigned_on, unit_code);

CREATE TABLE measure_phases (
    measure_id   INTEGER NOT NULL REFERENCES measures (id),
    seq          INTEGER NOT NULL,
    unit_code    TEXT NOT NULL,
    type         TEXT NOT NULL,
    name         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL,
    checks_daily INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (measure_id, seq)
);
CREATE INDEX measure_phases_unit ON measure_phases (unit_code, end_date);
CREATE INDEX measure_phases_end ON measure_phases (end_date, start_date);

CREATE TABLE measure_tests (
    id          INTEGER PRIMARY KEY,
    measure_id  INTEGER NOT NULL REFERENCES measures (id),
    unit_code   TEXT NOT NULL,
    due         TEXT NOT NULL,
    day         INTEGER NOT NULL,
    sampled_at  INTEGER NOT NULL DEFAULT 0,
    result      TEXT NOT NULL DEFAULT '',
    result_at   INTEGER NOT NULL DEFAULT 0,
    recorded_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measure_tests_due ON measure_tests (unit_code, due);
CREATE INDEX measure_tests_measure ON measure_tests (measure_id, due);
CREATE INDEX measure_tests_open ON measure_tests (due, sampled_at);

CREATE TABLE measure_checks (
    id          INTEGER PRIMARY KEY,
    measure_id  INTEGER NOT NULL REFERENCES measures (id),
    unit_code   TEXT NOT NULL,
    day         TEXT NOT NULL,
    at          INTEGER NOT NULL,
    temp_tenths INTEGER NOT NULL,
    symptoms    TEXT NOT NULL DEFAULT '',
    abnormal    INTEGER NOT NULL DEFAULT 0,
    via         TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measure_checks_measure ON measure_checks (measure_id, day);
CREATE INDEX measure_checks_unit ON measure_checks (unit_code, day);

-- Alerts: abnormal checks (to the township health centre), positive tests,
-- and 脱管 (missed checks or tests), escalated village → township → county.
CREATE TABLE measure_alerts (
    id           INTEGER PRIMARY KEY,
    measure_id   INTEGER NOT NULL REFERENCES measures (id),
    person_id    INTEGER NOT NULL,
    unit_code    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    day          TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    level        INTEGER NOT NULL,
    opened_at    INTEGER NOT NULL,
    escalated_at INTEGER NOT NULL DEFAULT 0,
    handled_at   INTEGER NOT NULL DEFAULT 0,
    handled_by   TEXT NOT NULL DEFAULT '',
    handling     TEXT NOT NULL DEFAULT '',
    UNIQUE (measure_id, kind, day)
);
CREATE INDEX measure_alerts_unit ON measure_alerts (handled_at, unit_code);
CREATE INDEX measure_alerts_open ON measure_alerts (handled_at, level, opened_at);
