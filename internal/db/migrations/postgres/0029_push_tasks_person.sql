-- A person's push tasks (the person page's 核查任务, newest first) on an
-- index: without it the page read every task of every list (18,000 in the
-- demo county) for each view — two thirds of /people/{id}'s time.
CREATE INDEX push_tasks_person ON push_tasks (person_id, created_at, id);
-- A household found by the prefix of its 户编号 (LIKE '…%', registry's
-- Households): the unique index on no serves LIKE only under the C
-- collation; SQLite searches a range on that index instead.
CREATE INDEX households_no_pattern ON households (no text_pattern_ops);
