-- Checkpoints (卡口): the register of entrances and checkpoints, their
-- statuses, shift rosters (三班倒), the check log with outcomes computed by
-- versioned checkpoint rules (卡口查验规则), hand-overs to villages (移交) and
-- incidents.
CREATE TABLE checkpoint_rule_versions (
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
CREATE TRIGGER checkpoint_rule_versions_no_update BEFORE UPDATE ON checkpoint_rule_versions
BEGIN
    SELECT RAISE(ABORT, 'checkpoint rule versions are immutable');
END;
CREATE TRIGGER checkpoint_rule_versions_no_delete BEFORE DELETE ON checkpoint_rule_versions
BEGIN
    SELECT RAISE(ABORT, 'checkpoint rule versions are immutable');
END;
CREATE TABLE checkpoints (
    id              INTEGER PRIMARY KEY,
    unit_code       TEXT NOT NULL REFERENCES units (code),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    place_code      TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    status_since    TEXT NOT NULL,
    staff_per_shift INTEGER NOT NULL DEFAULT 2,
    leader_post     TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (unit_code, name)
);
CREATE INDEX checkpoints_unit ON checkpoints (unit_code);

-- Every status a checkpoint had, from its date (值守/封堵/撤除).
CREATE TABLE checkpoint_statuses (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
    status        TEXT NOT NULL,
    since         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX checkpoint_statuses_checkpoint ON checkpoint_statuses (checkpoint_id, since);

-- Shift rosters (三班倒): one row per checkpoint, day and slot.
CREATE TABLE checkpoint_shifts (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
    unit_code     TEXT NOT NULL,
    day           TEXT NOT NULL,
    slot          INTEGER NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    night         INTEGER NOT NULL DEFAULT 0,
    alerted_at    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (checkpoint_id, day, slot)
);
CREATE INDEX checkpoint_shifts_start ON checkpoint_shifts (starts_at, unit_code);

CREATE TABLE checkpoint_shift_members (
    id         INTEGER PRIMARY KEY,
    shift_id   INTEGER NOT NULL REFERENCES checkpoint_shifts (id),
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    leader     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX checkpoint_shift_members_shift ON checkpoint_shift_members (shift_id);

-- The check log (逢车必查、逢人必检): one row per person checked.
CREATE TABLE checkpoint_checks (
    id              INTEGER PRIMARY KEY,
    checkpoint_id   INTEGER NOT NULL REFERENCES checkpoints (id),
    unit_code       TEXT NOT NULL,
    client_id       TEXT NOT NULL UNIQUE,
    vehicle_ref     TEXT NOT NULL DEFAULT '',
    checked_at      INTEGER NOT NULL,
    day             TEXT NOT NULL,
    plate           TEXT NOT NULL DEFAULT '',
    vehicle_type    TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    id_number       TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    from_text       TEXT NOT NULL DEFAULT '',
    from_code       TEXT NOT NULL DEFAULT '',
    from_name       TEXT NOT NULL DEFAULT '',
    from_level      TEXT NOT NULL DEFAULT '',
    to_text         TEXT NOT NULL DEFAULT '',
    to_code         TEXT NOT NULL DEFAULT '',
    resident        INTEGER NOT NULL DEFAULT 0,
    temp_tenths     INTEGER NOT NULL DEFAULT 0,
    health_code     TEXT NOT NULL,
    star            INTEGER NOT NULL DEFAULT 0,
    test_sampled_at TEXT NOT NULL DEFAULT '',
    rule_version    TEXT NOT NULL,
    rule_key        TEXT NOT NULL,
    rule_outcome    TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    override_reason TEXT NOT NULL DEFAULT '',
    abnormal        INTEGER NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
);
CREATE INDEX checkpoint_checks_day ON checkpoint_checks (day, unit_code);
CREATE INDEX checkpoint_checks_checkpoint ON checkpoint_checks (checkpoint_id, checked_at);

-- Hand-overs (移交属地): a receive task for the destination village, or an
-- outgoing 协查 when the destination lies outside the county.
CREATE TABLE checkpoint_handovers (
    id            INTEGER PRIMARY KEY,
    check_id      INTEGER NOT NULL REFERENCES checkpoint_checks (id),
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
    from_unit     TEXT NOT NULL,
    village_code  TEXT NOT NULL DEFAULT '',
    dest_code     TEXT NOT NULL DEFAULT '',
    dest_text     TEXT NOT NULL DEFAULT '',
    outgoing      INTEGER NOT NULL DEFAULT 0,
    person_id     INTEGER NOT NULL DEFAULT 0,
    arrival_id    INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    due_at        INTEGER NOT NULL,
    received_at   INTEGER NOT NULL DEFAULT 0,
    received_by   TEXT NOT NULL DEFAULT '',
    receipt_note  TEXT NOT NULL DEFAULT '',
    escalated_at  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (check_id)
);
CREATE INDEX checkpoint_handovers_village ON checkpoint_handovers (status, village_code);
CREATE INDEX checkpoint_handovers_from ON checkpoint_handovers (from_unit);

-- Incidents (冲卡、辱骂工作人员) with the police case number.
CREATE TABLE checkpoint_incidents (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
    unit_code     TEXT NOT NULL,
    occurred_at   INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    plate         TEXT NOT NULL DEFAULT '',
    police_case   TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX checkpoint_incidents_unit ON checkpoint_incidents (unit_code, occurred_at);
