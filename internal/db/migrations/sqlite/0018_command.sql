-- The command centre (指挥部): the picture's daily points (for its trend
-- charts), daily reports (日报告/零报告) with their templates per level,
-- and the alerts raised for reports missing at the deadline.
CREATE TABLE picture_points (
    unit_code  TEXT NOT NULL REFERENCES units (code),
    day        TEXT NOT NULL,
    fig_key    TEXT NOT NULL,
    value      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (unit_code, day, fig_key)
);

CREATE TABLE report_templates (
    county_code TEXT NOT NULL REFERENCES units (code),
    level       INTEGER NOT NULL,
    items       TEXT NOT NULL,
    cutoff      TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (county_code, level)
);

CREATE TABLE daily_reports (
    id           INTEGER PRIMARY KEY,
    unit_code    TEXT NOT NULL REFERENCES units (code),
    level        INTEGER NOT NULL,
    day          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    as_of        INTEGER NOT NULL,
    figures      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    confirmer    TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    on_time      INTEGER NOT NULL,
    UNIQUE (unit_code, day, version)
);
CREATE INDEX daily_reports_day ON daily_reports (day, unit_code);

CREATE TABLE report_alerts (
    unit_code   TEXT NOT NULL REFERENCES units (code),
    day         TEXT NOT NULL,
    level       INTEGER NOT NULL,
    raised_at   INTEGER NOT NULL,
    PRIMARY KEY (unit_code, day)
);

-- Supervision (督查): inspections with their checklist, and findings with
-- the rectification (整改) each is tracked through to 销号.
CREATE TABLE inspections (
    id          INTEGER PRIMARY KEY,
    unit_code   TEXT NOT NULL REFERENCES units (code),
    object_type TEXT NOT NULL,
    object_name TEXT NOT NULL,
    covert      INTEGER NOT NULL DEFAULT 0,
    team        TEXT NOT NULL,
    visited_on  TEXT NOT NULL,
    checklist   TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX inspections_unit ON inspections (unit_code);

CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    unit_code     TEXT NOT NULL REFERENCES units (code),
    problem       TEXT NOT NULL,
    severity      TEXT NOT NULL,
    leader        TEXT NOT NULL,
    person        TEXT NOT NULL,
    measure       TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL,
    progress_note TEXT NOT NULL DEFAULT '',
    review_note   TEXT NOT NULL DEFAULT '',
    photo_type    TEXT NOT NULL DEFAULT '',
    photo         BLOB,
    escalated_at  INTEGER NOT NULL DEFAULT 0,
    closed_at     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX findings_unit ON findings (unit_code, status);
CREATE INDEX findings_inspection ON findings (inspection_id);

-- Duty rosters (值班值守): shifts with the leader on duty (带班领导), the
-- check-in at the start, and spot checks (查岗).
CREATE TABLE duty_shifts (
    id            INTEGER PRIMARY KEY,
    unit_code     TEXT NOT NULL REFERENCES units (code),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    leader        TEXT NOT NULL,
    person        TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    checked_in_at INTEGER NOT NULL DEFAULT 0,
    checked_in_by TEXT NOT NULL DEFAULT '',
    alerted_at    INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX duty_shifts_unit ON duty_shifts (unit_code, starts_at);

CREATE TABLE duty_checks (
    id         INTEGER PRIMARY KEY,
    shift_id   INTEGER NOT NULL REFERENCES duty_shifts (id),
    checked_at INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    answerer   TEXT NOT NULL DEFAULT '',
    checker    TEXT NOT NULL
);
CREATE INDEX duty_checks_shift ON duty_checks (shift_id);
