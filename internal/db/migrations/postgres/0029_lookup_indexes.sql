-- A person's push tasks (the person page's 核查任务, newest first) on an
-- index: without it the page read every task of every list (18,000 in the
-- demo county) for each view — two thirds of /people/{id}'s time.
CREATE INDEX push_tasks_person ON push_tasks (person_id, created_at, id);
-- A household found by the prefix of its 户编号 (LIKE '…%', registry's
-- Households): the unique index on no serves LIKE only under the C
-- collation; SQLite searches a range on that index instead.
CREATE INDEX households_no_pattern ON households (no text_pattern_ops);
-- The place-code scans due for deletion (retention: 21 days) on an index:
-- the retention page's count and the daily purge read every scan of the
-- table otherwise (1,000,000 in the demo county: 16 ms alone, 67 ms with
-- 16 users at once on PostgreSQL).
CREATE INDEX tracing_scans_time ON tracing_scans (scanned_at);
