-- The steps of a finding's rectification (整改记录): each report of the
-- responsible unit and each review, with who, when and what was said, so
-- that a 退回's reason and the earlier reports stay readable.
CREATE TABLE finding_steps (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    status     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX finding_steps_finding ON finding_steps (finding_id, at);
