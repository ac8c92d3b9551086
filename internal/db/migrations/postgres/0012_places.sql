-- Places typed as names (地名解析): what was typed for a returnee's origin
-- and whether the place still waits for a person to pick it (地点待核实);
-- the place a self-report typed; the division code a pushed row's origin
-- resolved to.
ALTER TABLE returnees ADD COLUMN origin_text TEXT NOT NULL DEFAULT '';
ALTER TABLE returnees ADD COLUMN origin_status TEXT NOT NULL DEFAULT '';
CREATE INDEX returnees_origin_status ON returnees (origin_status, unit_code);
ALTER TABLE self_reports ADD COLUMN origin_text TEXT NOT NULL DEFAULT '';
ALTER TABLE push_tasks ADD COLUMN origin_code TEXT NOT NULL DEFAULT '';
