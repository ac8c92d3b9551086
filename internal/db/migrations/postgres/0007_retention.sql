-- Retention (个人信息保护法 第47条): when a row's personal details were
-- purged by the retention job (Unix ms; 0 = not yet). The rows stay, so
-- the counts that read them do not change.
ALTER TABLE measures ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE push_tasks ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE self_reports ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE site_stays ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX measures_purge ON measures (purged_at, status, released_on);
CREATE INDEX push_tasks_purge ON push_tasks (purged_at, list_id);
CREATE INDEX self_reports_purge ON self_reports (purged_at, handled_at);
CREATE INDEX site_stays_purge ON site_stays (purged_at, open);
