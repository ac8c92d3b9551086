-- The audit log by action (the break-glass notice of the last 7 days, the
-- retention purges, the page's action filter): a range of the action's
-- entries, not a sort of the whole scope's log.
CREATE INDEX audit_action ON audit_log (action, at);

-- The contacts list takes a page of ids from this index alone (scope,
-- status and the list's order), then reads those rows; the tracing card
-- counts the scope's contacts by status and category from it alone. It
-- replaces the index on (unit_code, status), a prefix of it.
DROP INDEX tracing_contacts_unit;
CREATE INDEX tracing_contacts_scope ON tracing_contacts (unit_code, status, category, parent_id, last_exposure);
-- The contacts list's order: a first page is looked for among the first
-- contacts in it, where a county's (or an outbreak village's) page lies.
CREATE INDEX tracing_contacts_order ON tracing_contacts ((parent_id IS NOT NULL), last_exposure DESC, id);

-- The retention page counts the push-list rows the next purge would clear
-- (pushlist.PurgeRows: rows not cleared yet and not open, of lists older
-- than the cutoff): per old list a range of this index over the scope,
-- not every row of the county's lists.
CREATE INDEX push_tasks_retention_due ON push_tasks (list_id, unit_code) WHERE purged_at = 0 AND status <> 'open';
