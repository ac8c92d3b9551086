-- Walk-ins (流动人员) sampled at a table though not in the round's snapshot:
-- visitors, floating population, people registered outside the area. Each
-- takes a place in a tube like a scan; person_id is set when the ID number
-- is registered elsewhere. Coverage counts them apart from the targets.
CREATE TABLE test_walkins (
    id          INTEGER PRIMARY KEY,
    scan_id     TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    tube_id     INTEGER NOT NULL REFERENCES test_tubes (id),
    point_id    INTEGER NOT NULL REFERENCES test_points (id),
    unit_code   TEXT NOT NULL,
    id_number   TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    person_id   INTEGER REFERENCES people (id),
    sampled_at  INTEGER NOT NULL,
    sampler_id  INTEGER NOT NULL,
    UNIQUE (campaign_id, id_number)
);
CREATE INDEX test_walkins_unit ON test_walkins (campaign_id, unit_code);
CREATE INDEX test_walkins_tube ON test_walkins (tube_id);
