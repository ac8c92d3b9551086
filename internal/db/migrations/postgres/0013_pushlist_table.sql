-- Push lists as sent (issue 11): the header's row number, the footer rows
-- left out (JSON), and a list withdrawn after a mistaken import (撤回).
ALTER TABLE push_lists ADD COLUMN header_row INTEGER NOT NULL DEFAULT 1;
ALTER TABLE push_lists ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]';
ALTER TABLE push_lists ADD COLUMN withdrawn_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE push_lists ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
