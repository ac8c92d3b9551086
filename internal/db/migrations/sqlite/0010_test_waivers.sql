-- Release honesty (解除): a scheduled test due before the person was put
-- under the measure is recorded (by hand, or from a testing-round result:
-- source) or waived by a cadre with a reason (waived_*), never skipped.
ALTER TABLE measure_tests ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE measure_tests ADD COLUMN waived_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE measure_tests ADD COLUMN waived_by TEXT NOT NULL DEFAULT '';
ALTER TABLE measure_tests ADD COLUMN waived_at INTEGER NOT NULL DEFAULT 0;
