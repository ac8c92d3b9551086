-- PostgreSQL drops test_samples' foreign keys here (see its 0030): the scan
-- batch reads what they guard in the same transaction. SQLite keeps them:
-- its checks are in-process index lookups that cost the batch little.
SELECT 1;
