-- Residents per unit (常住人口底数): the people on the register per unit,
-- and of them those present (residence other than 外出务工 and 外出上学), so
-- the readiness standards, the quarantine-room occupancy dashboard and the
-- testing capacity plan read one row per unit (some 2,000 in a county of a
-- million) rather than the registry's counters by residence and special
-- group (some 35,000). They are a roll-up of those counters
-- (people_counts, 0021), kept by row triggers on them: every write to
-- people changes people_counts, which changes these, so no write path can
-- forget them; a unit whose count reaches 0 is deleted.
CREATE TABLE resident_totals (
    unit_code TEXT NOT NULL PRIMARY KEY,
    n         INTEGER NOT NULL,
    present   INTEGER NOT NULL
);

INSERT INTO resident_totals (unit_code, n, present)
    SELECT unit_code, SUM(n), SUM(CASE WHEN residence IN ('外出务工', '外出上学') THEN 0 ELSE n END)
    FROM people_counts GROUP BY unit_code;

CREATE TRIGGER resident_totals_insert AFTER INSERT ON people_counts WHEN NEW.n <> 0
BEGIN
    INSERT INTO resident_totals (unit_code, n, present)
        VALUES (NEW.unit_code, NEW.n, CASE WHEN NEW.residence IN ('外出务工', '外出上学') THEN 0 ELSE NEW.n END)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + excluded.n, present = present + excluded.present;
    DELETE FROM resident_totals WHERE unit_code = NEW.unit_code AND n = 0;
END;
CREATE TRIGGER resident_totals_delete AFTER DELETE ON people_counts WHEN OLD.n <> 0
BEGIN
    UPDATE resident_totals SET n = n - OLD.n,
        present = present - CASE WHEN OLD.residence IN ('外出务工', '外出上学') THEN 0 ELSE OLD.n END
        WHERE unit_code = OLD.unit_code;
    DELETE FROM resident_totals WHERE unit_code = OLD.unit_code AND n = 0;
END;
CREATE TRIGGER resident_totals_update AFTER UPDATE ON people_counts
BEGIN
    UPDATE resident_totals SET n = n - OLD.n,
        present = present - CASE WHEN OLD.residence IN ('外出务工', '外出上学') THEN 0 ELSE OLD.n END
        WHERE unit_code = OLD.unit_code;
    INSERT INTO resident_totals (unit_code, n, present)
        VALUES (NEW.unit_code, NEW.n, CASE WHEN NEW.residence IN ('外出务工', '外出上学') THEN 0 ELSE NEW.n END)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + excluded.n, present = present + excluded.present;
    DELETE FROM resident_totals WHERE unit_code IN (OLD.unit_code, NEW.unit_code) AND n = 0;
END;
