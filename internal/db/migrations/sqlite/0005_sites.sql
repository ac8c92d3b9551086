-- Quarantine sites (集中隔离点): rooms, the 三区两通道 checklist, staff, and
-- the stays of people transferred, checked in and out.
CREATE TABLE sites (
    id               INTEGER PRIMARY KEY,
    unit_code        TEXT NOT NULL REFERENCES units (code),
    name             TEXT NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '启用',
    staff_test_every INTEGER NOT NULL DEFAULT 1,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (unit_code, name)
);
CREATE INDEX sites_unit ON sites (unit_code);

CREATE TABLE site_rooms (
    id         INTEGER PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites (id),
    no         TEXT NOT NULL,
    floor      INTEGER NOT NULL DEFAULT 1,
    beds       INTEGER NOT NULL DEFAULT 1,
    bathroom   INTEGER NOT NULL DEFAULT 1,
    status     TEXT NOT NULL DEFAULT '空闲',
    occupants  INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL,
    UNIQUE (site_id, no)
);

CREATE TABLE site_checks (
    site_id    INTEGER NOT NULL REFERENCES sites (id),
    item       TEXT NOT NULL,
    passed     INTEGER NOT NULL,
    checked_on TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, item)
);

CREATE TABLE site_staff (
    id           INTEGER PRIMARY KEY,
    site_id      INTEGER NOT NULL REFERENCES sites (id),
    name         TEXT NOT NULL,
    post         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    id_number    TEXT NOT NULL DEFAULT '',
    last_test_on TEXT NOT NULL DEFAULT '',
    doses        INTEGER NOT NULL DEFAULT 0,
    last_dose_on TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX site_staff_site ON site_staff (site_id);

CREATE TABLE site_stays (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    room_id     INTEGER REFERENCES site_rooms (id),
    status      TEXT NOT NULL,
    open        INTEGER NOT NULL DEFAULT 1,
    reason      TEXT NOT NULL DEFAULT '',
    from_place  TEXT NOT NULL DEFAULT '',
    vehicle     TEXT NOT NULL DEFAULT '',
    transfer_at INTEGER NOT NULL DEFAULT 0,
    checkin_at  INTEGER NOT NULL DEFAULT 0,
    checkout_at INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT NOT NULL DEFAULT '',
    outcome_to  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
-- One open stay (转运中 or 在住) per person.
CREATE UNIQUE INDEX site_stays_open ON site_stays (person_id) WHERE open = 1;
CREATE INDEX site_stays_site ON site_stays (site_id, open);
CREATE INDEX site_stays_person ON site_stays (person_id);
CREATE INDEX site_stays_room ON site_stays (room_id, open);
