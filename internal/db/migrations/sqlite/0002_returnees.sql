-- Returnees: risk areas (history), the returnee ledger, door-to-door sweeps,
-- self-report posters and submissions.
CREATE TABLE risk_areas (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL,
    place_name     TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    detail_norm    TEXT NOT NULL DEFAULT '',
    level          TEXT NOT NULL,
    rank           INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    closed_by      TEXT NOT NULL DEFAULT '',
    closed_at      INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX risk_areas_code ON risk_areas (code, effective_from);

CREATE TABLE returnees (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    unit_code       TEXT NOT NULL REFERENCES units (code),
    household_id    INTEGER REFERENCES households (id),
    name            TEXT NOT NULL,
    origin_code     TEXT NOT NULL DEFAULT '',
    origin_name     TEXT NOT NULL DEFAULT '',
    origin_detail   TEXT NOT NULL DEFAULT '',
    origin_level    TEXT NOT NULL DEFAULT '',
    origin_rank     INTEGER NOT NULL DEFAULT 0,
    departed_on     TEXT NOT NULL DEFAULT '',
    arrived_on      TEXT NOT NULL,
    transport       TEXT NOT NULL DEFAULT '',
    transport_no    TEXT NOT NULL DEFAULT '',
    sources         TEXT NOT NULL DEFAULT '',
    source_refs     TEXT NOT NULL DEFAULT '',
    test_sampled_at TEXT NOT NULL DEFAULT '',
    symptoms        TEXT NOT NULL DEFAULT '',
    gatherings      TEXT NOT NULL DEFAULT '',
    companions      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '待核实',
    note            TEXT NOT NULL DEFAULT '',
    verified_by     TEXT NOT NULL DEFAULT '',
    verified_at     INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX returnees_unit ON returnees (unit_code, arrived_on);
CREATE INDEX returnees_person ON returnees (person_id, arrived_on);

CREATE TABLE sweeps (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    name       TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL DEFAULT '',
    closed     INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sweeps_unit ON sweeps (unit_code);

CREATE TABLE sweep_visits (
    id           INTEGER PRIMARY KEY,
    sweep_id     INTEGER NOT NULL REFERENCES sweeps (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    unit_code    TEXT NOT NULL,
    visited_on   TEXT NOT NULL,
    visited_by   TEXT NOT NULL,
    present      TEXT NOT NULL DEFAULT '',
    returnees    INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (sweep_id, household_id)
);
CREATE INDEX sweep_visits_unit ON sweep_visits (sweep_id, unit_code);

CREATE TABLE report_posters (
    village_code TEXT PRIMARY KEY REFERENCES units (code),
    token        TEXT NOT NULL UNIQUE,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL
);

CREATE TABLE self_reports (
    id            INTEGER PRIMARY KEY,
    village_code  TEXT NOT NULL REFERENCES units (code),
    name          TEXT NOT NULL,
    id_number     TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    origin_code   TEXT NOT NULL DEFAULT '',
    origin_detail TEXT NOT NULL DEFAULT '',
    departed_on   TEXT NOT NULL DEFAULT '',
    arrived_on    TEXT NOT NULL,
    transport     TEXT NOT NULL DEFAULT '',
    transport_no  TEXT NOT NULL DEFAULT '',
    test_sampled_at TEXT NOT NULL DEFAULT '',
    symptoms      TEXT NOT NULL DEFAULT '',
    companions    TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT '待确认',
    returnee_id   INTEGER REFERENCES returnees (id),
    handled_by    TEXT NOT NULL DEFAULT '',
    handled_at    INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);
CREATE INDEX self_reports_village ON self_reports (village_code, status);
CREATE INDEX self_reports_ip ON self_reports (ip, created_at);
