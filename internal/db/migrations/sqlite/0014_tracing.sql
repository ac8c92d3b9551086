-- Cases and contact tracing (病例与流调): the tracing rules per disease as
-- versioned data, cases with their reclassification history and clocks,
-- place codes (场所码) and their scans, trajectories, contacts with the
-- evidence that made them candidates and the tracer's judgment, clusters.
CREATE TABLE tracing_rules (
    id                      INTEGER PRIMARY KEY,
    disease                 TEXT NOT NULL,
    version                 TEXT NOT NULL,
    effective_from          TEXT NOT NULL,
    look_back_days          INTEGER NOT NULL,
    scan_window_minutes     INTEGER NOT NULL,
    sample_window_minutes   INTEGER NOT NULL,
    report_hours            INTEGER NOT NULL,
    trajectory_hours        INTEGER NOT NULL,
    preliminary_hours       INTEGER NOT NULL,
    close_transfer_hours    INTEGER NOT NULL,
    secondary_transfer_hours INTEGER NOT NULL,
    note                    TEXT NOT NULL DEFAULT '',
    created_at              INTEGER NOT NULL,
    UNIQUE (disease, version)
);

CREATE TABLE tracing_clusters (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    name       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (unit_code, name)
);

CREATE TABLE tracing_cases (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL UNIQUE REFERENCES people (id),
    unit_code       TEXT NOT NULL REFERENCES units (code),
    disease         TEXT NOT NULL,
    rule_id         INTEGER NOT NULL REFERENCES tracing_rules (id),
    classification  TEXT NOT NULL,
    found_via       TEXT NOT NULL,
    found_at        INTEGER NOT NULL,
    reported_at     INTEGER NOT NULL DEFAULT 0,
    trajectory_at   INTEGER NOT NULL DEFAULT 0,
    preliminary_at  INTEGER NOT NULL DEFAULT 0,
    onset_date      TEXT NOT NULL DEFAULT '',
    sampled_at      INTEGER NOT NULL DEFAULT 0,
    isolated_at     INTEGER NOT NULL,
    window_from     INTEGER NOT NULL,
    test_ref        TEXT NOT NULL DEFAULT '',
    cluster_id      INTEGER REFERENCES tracing_clusters (id),
    from_contact_id INTEGER,
    escalated       TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX tracing_cases_unit ON tracing_cases (unit_code, found_at);
CREATE INDEX tracing_cases_cluster ON tracing_cases (cluster_id);

CREATE TABLE tracing_case_classes (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES tracing_cases (id),
    classification TEXT NOT NULL,
    at             INTEGER NOT NULL,
    by_user        TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tracing_case_classes_case ON tracing_case_classes (case_id);

CREATE TABLE tracing_places (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    token      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT '',
    unit_code  TEXT NOT NULL REFERENCES units (code),
    address    TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX tracing_places_unit ON tracing_places (unit_code);
CREATE INDEX tracing_places_name ON tracing_places (name);

-- Scans: millions of rows; indexed for the co-presence query (same place,
-- time within ± N minutes) and for a person's own scans.
CREATE TABLE tracing_scans (
    id         INTEGER PRIMARY KEY,
    place_id   INTEGER NOT NULL,
    scanned_at INTEGER NOT NULL,
    person_id  INTEGER,
    name       TEXT NOT NULL DEFAULT '',
    id_number  TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tracing_scans_place ON tracing_scans (place_id, scanned_at);
CREATE INDEX tracing_scans_person ON tracing_scans (person_id, scanned_at);

-- Co-presence at a sampling point: the samples of a point by time.
CREATE INDEX test_samples_point_time ON test_samples (point_id, sampled_at);
CREATE INDEX test_samples_person ON test_samples (person_id);

CREATE TABLE tracing_contacts (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES tracing_cases (id),
    person_key      TEXT NOT NULL,
    person_id       INTEGER REFERENCES people (id),
    name            TEXT NOT NULL DEFAULT '',
    id_number       TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    unit_code       TEXT NOT NULL,
    outside         INTEGER NOT NULL DEFAULT 0,
    sources         TEXT NOT NULL DEFAULT '',
    evidence        TEXT NOT NULL DEFAULT '',
    first_exposure  INTEGER NOT NULL DEFAULT 0,
    last_exposure   INTEGER NOT NULL DEFAULT 0,
    parent_id       INTEGER,
    category        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '待判定',
    judged_at       INTEGER NOT NULL DEFAULT 0,
    judged_by       TEXT NOT NULL DEFAULT '',
    transfer_due    INTEGER NOT NULL DEFAULT 0,
    stay_id         INTEGER,
    handed_at       INTEGER NOT NULL DEFAULT 0,
    became_case_id  INTEGER,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (case_id, person_key)
);
CREATE INDEX tracing_contacts_unit ON tracing_contacts (unit_code, status);
CREATE INDEX tracing_contacts_person ON tracing_contacts (person_id);
CREATE INDEX tracing_contacts_parent ON tracing_contacts (parent_id);

CREATE TABLE tracing_trajectory (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES tracing_cases (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL DEFAULT 0,
    place_id      INTEGER,
    place         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    division_code TEXT NOT NULL DEFAULT '',
    transport     TEXT NOT NULL DEFAULT '',
    transport_no  TEXT NOT NULL DEFAULT '',
    seat          TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX tracing_trajectory_case ON tracing_trajectory (case_id, starts_at);
