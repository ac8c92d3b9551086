-- Special reports (特报): an immediate report opened by a trigger (a
-- positive case, an arrival from abroad or a risk area, a cluster) or by
-- hand, acknowledged up the chain against clocks kept as data.
CREATE TABLE special_clocks (
    level   INTEGER PRIMARY KEY,
    label   TEXT NOT NULL,
    minutes INTEGER NOT NULL
);
INSERT INTO special_clocks (level, label, minutes) VALUES (4, '镇街', 60), (3, '县区', 120);

CREATE TABLE special_reports (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    ref        TEXT NOT NULL DEFAULT '',
    opened_by  TEXT NOT NULL,
    opened_at  INTEGER NOT NULL,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    closed_by  TEXT NOT NULL DEFAULT '',
    close_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX special_reports_unit ON special_reports (unit_code, opened_at);
CREATE UNIQUE INDEX special_reports_ref ON special_reports (ref) WHERE ref <> '';

-- One acknowledgement stage per level above the reporting unit.
CREATE TABLE special_acks (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES special_reports (id),
    level        INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    acked_at     INTEGER NOT NULL DEFAULT 0,
    acked_by     TEXT NOT NULL DEFAULT '',
    cadre        TEXT NOT NULL DEFAULT '',
    escalated_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX special_acks_stage ON special_acks (report_id, level);
CREATE INDEX special_acks_due ON special_acks (due_at) WHERE acked_at = 0 AND escalated_at = 0;
