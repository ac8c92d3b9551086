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

-- Readiness (平急结合): the standards as data, and what readiness records
-- itself: the tracing team roster, sampler counts, plans and drills.
CREATE TABLE readiness_standards (
    key    TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    target INTEGER NOT NULL
);
INSERT INTO readiness_standards (key, label, target) VALUES
    ('rooms_per_10k', '隔离房间（间/万人）', 20),
    ('tracers_county', '流调队伍（人/县）', 30),
    ('tracers_township', '流调队伍（人/镇街）', 3),
    ('police_pct', '流调队伍公安占比（%）', 30),
    ('test_days', '全员核酸完成天数', 3),
    ('checkpoint_pct', '卡口值守覆盖（%）', 100),
    ('duty_pct', '今日值班排班（%）', 100),
    ('drill_days', '演练间隔（天）', 180);

CREATE TABLE readiness_tracers (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX readiness_tracers_unit ON readiness_tracers (unit_code);

CREATE TABLE readiness_samplers (
    unit_code  TEXT PRIMARY KEY REFERENCES units (code),
    samplers   INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE readiness_plans (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    held_on    TEXT NOT NULL,
    findings   TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX readiness_plans_unit ON readiness_plans (unit_code, held_on);
