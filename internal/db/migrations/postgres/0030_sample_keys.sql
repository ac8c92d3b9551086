-- The scan batch (sampling/scanbatch.go) inserts test_samples at a city's
-- peak. Each of their three foreign keys cost PostgreSQL a lookup and a
-- row lock (FOR KEY SHARE on the person, the campaign and the tube) per
-- sample, run as a trigger: a fifth of the machine's CPU at 2,000 scans/s.
-- The batch reads the campaign, the person and (locked) the tube in the
-- same transaction before it inserts, and none of them is ever deleted
-- under a sample: people and campaigns are not deleted at all (a merge or
-- a deregistration keeps the row), and a tube is deleted only by the batch
-- that opened it, when no sample took a place in it. SQLite keeps the keys
-- (its checks are in-process index lookups).
ALTER TABLE test_samples DROP CONSTRAINT test_samples_campaign_id_fkey;
ALTER TABLE test_samples DROP CONSTRAINT test_samples_person_id_fkey;
ALTER TABLE test_samples DROP CONSTRAINT test_samples_tube_id_fkey;
