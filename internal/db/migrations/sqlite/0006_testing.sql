-- Mass testing (全员核酸): campaigns, sampling points, labs, target
-- snapshots, personal sampling codes, tubes (pools), samples, transport
-- boxes and single-tube retests.
CREATE TABLE sampling_codes (
    code       TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL UNIQUE REFERENCES people (id),
    created_at INTEGER NOT NULL
);

CREATE TABLE household_codes (
    code         TEXT PRIMARY KEY,
    household_id INTEGER NOT NULL UNIQUE REFERENCES households (id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE test_campaigns (
    id            INTEGER PRIMARY KEY,
    unit_code     TEXT NOT NULL REFERENCES units (code),
    name          TEXT NOT NULL,
    target_kind   TEXT NOT NULL DEFAULT 'all',
    target_filter TEXT NOT NULL DEFAULT '',
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    pool_size     INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'draft',
    target_count  INTEGER NOT NULL DEFAULT 0,
    started_at    INTEGER NOT NULL DEFAULT 0,
    closed_at     INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX test_campaigns_unit ON test_campaigns (unit_code);

CREATE TABLE test_points (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    tables      INTEGER NOT NULL DEFAULT 1,
    teams       INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);
CREATE INDEX test_points_campaign ON test_points (campaign_id, unit_code);

CREATE TABLE test_labs (
    id                INTEGER PRIMARY KEY,
    campaign_id       INTEGER NOT NULL REFERENCES test_campaigns (id),
    name              TEXT NOT NULL,
    capacity_per_hour INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE campaign_targets (
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    unit_code   TEXT NOT NULL,
    key_group   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX campaign_targets_unit ON campaign_targets (campaign_id, unit_code, person_id);

CREATE TABLE test_boxes (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    code        TEXT NOT NULL UNIQUE,
    point_id    INTEGER NOT NULL REFERENCES test_points (id),
    unit_code   TEXT NOT NULL,
    lab_id      INTEGER REFERENCES test_labs (id),
    packed_at   INTEGER NOT NULL,
    handed_at   INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL
);
CREATE INDEX test_boxes_campaign ON test_boxes (campaign_id, unit_code);

CREATE TABLE test_tubes (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    barcode     TEXT NOT NULL UNIQUE,
    point_id    INTEGER NOT NULL REFERENCES test_points (id),
    unit_code   TEXT NOT NULL,
    pool_size   INTEGER NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER NOT NULL DEFAULT 0,
    box_id      INTEGER REFERENCES test_boxes (id),
    lab_id      INTEGER REFERENCES test_labs (id),
    result      TEXT NOT NULL DEFAULT '',
    result_at   INTEGER NOT NULL DEFAULT 0,
    opened_by   INTEGER NOT NULL
);
CREATE INDEX test_tubes_campaign ON test_tubes (campaign_id, unit_code);
CREATE INDEX test_tubes_box ON test_tubes (box_id);

CREATE TABLE test_samples (
    id          INTEGER PRIMARY KEY,
    scan_id     TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    tube_id     INTEGER NOT NULL REFERENCES test_tubes (id),
    point_id    INTEGER NOT NULL,
    unit_code   TEXT NOT NULL,
    key_group   INTEGER NOT NULL DEFAULT 0,
    sampled_at  INTEGER NOT NULL,
    sampler_id  INTEGER NOT NULL,
    UNIQUE (campaign_id, person_id)
);
CREATE INDEX test_samples_unit ON test_samples (campaign_id, unit_code);
CREATE INDEX test_samples_tube ON test_samples (tube_id);

CREATE TABLE test_retests (
    campaign_id   INTEGER NOT NULL REFERENCES test_campaigns (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    tube_id       INTEGER NOT NULL REFERENCES test_tubes (id),
    unit_code     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    retest_tube   TEXT NOT NULL DEFAULT '',
    retest_result TEXT NOT NULL DEFAULT '',
    retest_at     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX test_retests_unit ON test_retests (campaign_id, unit_code);
