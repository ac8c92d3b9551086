-- A person's samples are found by the unique key (person_id, campaign_id)
-- instead of (campaign_id, person_id) plus an index on person_id alone:
-- both served the same look-ups (a person in some campaigns, a person's
-- samples), and every sample paid for two indexes keyed by a random person.
-- SQLite keeps a table's UNIQUE constraint with the table: it is rebuilt,
-- and the key is a named index, as on PostgreSQL.
CREATE TABLE test_samples_new (
    id          INTEGER PRIMARY KEY,
    scan_id     TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES test_campaigns (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    tube_id     INTEGER NOT NULL REFERENCES test_tubes (id),
    point_id    INTEGER NOT NULL,
    unit_code   TEXT NOT NULL,
    key_group   INTEGER NOT NULL DEFAULT 0,
    sampled_at  INTEGER NOT NULL,
    sampler_id  INTEGER NOT NULL
);
INSERT INTO test_samples_new (id, scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group, sampled_at, sampler_id)
    SELECT id, scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group, sampled_at, sampler_id FROM test_samples;
DROP TABLE test_samples;
ALTER TABLE test_samples_new RENAME TO test_samples;
CREATE UNIQUE INDEX test_samples_person_campaign ON test_samples (person_id, campaign_id);
CREATE INDEX test_samples_unit ON test_samples (campaign_id, unit_code);
CREATE INDEX test_samples_tube ON test_samples (tube_id);
CREATE INDEX test_samples_point_time ON test_samples (point_id, sampled_at);
