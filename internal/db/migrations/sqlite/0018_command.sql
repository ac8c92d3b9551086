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
