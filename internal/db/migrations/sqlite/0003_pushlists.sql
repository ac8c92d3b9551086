-- Big-data push lists (大数据推送) and their verification tasks (核查任务).
CREATE TABLE push_mappings (
    source     TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE push_lists (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL,
    name           TEXT NOT NULL,
    unit_code      TEXT NOT NULL,
    headers        TEXT NOT NULL,
    mapping        TEXT NOT NULL,
    deadline_hours INTEGER NOT NULL,
    rows_total     INTEGER NOT NULL DEFAULT 0,
    matched        INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    queued         INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX push_lists_unit ON push_lists (unit_code, created_at);

CREATE TABLE push_tasks (
    id            INTEGER PRIMARY KEY,
    list_id       INTEGER NOT NULL REFERENCES push_lists (id),
    row_no        INTEGER NOT NULL,
    raw           TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    id_number     TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    origin        TEXT NOT NULL DEFAULT '',
    arrival_date  TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    person_id     INTEGER NOT NULL DEFAULT 0,
    unit_code     TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    match_method  TEXT NOT NULL DEFAULT '',
    route_method  TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    dup_of        INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    result        TEXT NOT NULL DEFAULT '',
    result_note   TEXT NOT NULL DEFAULT '',
    arrival_id    INTEGER NOT NULL DEFAULT 0,
    answered_at   INTEGER NOT NULL DEFAULT 0,
    answered_by   TEXT NOT NULL DEFAULT '',
    deadline_at   INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);
CREATE INDEX push_tasks_list ON push_tasks (list_id, row_no);
CREATE INDEX push_tasks_unit ON push_tasks (unit_code, status, deadline_at);
