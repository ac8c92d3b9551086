-- Roll-up counters per level (底数 by township and village): the counters
-- of 0021 summed per township (unit codes cut to 9 digits) and per village
-- (cut to 12), so a county page reads one row per township, residence
-- status and group set (about 600 for a county of a million) and a
-- township page one per village, instead of summing every group's rows.
-- digits is the length the codes are cut to; a code already that short
-- stays as it is. No county row is kept: it would be one row every write
-- to people updates (a hot row on PostgreSQL); a county's figures are the
-- sum of its townships' rows.
--
-- The 0021 triggers are recreated with the same names, each keeping both
-- tables; a counter that reaches 0 is deleted.
CREATE TABLE people_level_counts (
    digits    INTEGER NOT NULL,
    unit_code TEXT NOT NULL,
    residence TEXT NOT NULL,
    groups    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (digits, unit_code, residence, groups)
);
CREATE TABLE household_level_counts (
    digits    INTEGER NOT NULL,
    unit_code TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (digits, unit_code)
);

INSERT INTO people_level_counts (digits, unit_code, residence, groups, n)
    SELECT l.digits, SUBSTR(c.unit_code, 1, l.digits), c.residence, c.groups, SUM(c.n)
    FROM people_counts c CROSS JOIN (SELECT 9 AS digits UNION ALL SELECT 12) l
    GROUP BY 1, 2, 3, 4;
INSERT INTO household_level_counts (digits, unit_code, n)
    SELECT l.digits, SUBSTR(c.unit_code, 1, l.digits), SUM(c.n)
    FROM household_counts c CROSS JOIN (SELECT 9 AS digits UNION ALL SELECT 12) l
    GROUP BY 1, 2;

DROP TRIGGER people_counts_insert;
DROP TRIGGER people_counts_delete;
DROP TRIGGER people_counts_update;
DROP TRIGGER household_counts_insert;
DROP TRIGGER household_counts_delete;
DROP TRIGGER household_counts_update;

CREATE TRIGGER people_counts_insert AFTER INSERT ON people WHEN NEW.active = 1
BEGIN
    INSERT INTO people_counts (unit_code, residence, groups, n) VALUES (NEW.unit_code, NEW.residence, NEW.groups, 1)
        ON CONFLICT (unit_code, residence, groups) DO UPDATE SET n = n + 1;
    INSERT INTO people_level_counts (digits, unit_code, residence, groups, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.residence, NEW.groups, 1),
            (12, SUBSTR(NEW.unit_code, 1, 12), NEW.residence, NEW.groups, 1)
        ON CONFLICT (digits, unit_code, residence, groups) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER people_counts_delete AFTER DELETE ON people WHEN OLD.active = 1
BEGIN
    UPDATE people_counts SET n = n - 1
        WHERE unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups;
    DELETE FROM people_counts
        WHERE unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
    UPDATE people_level_counts SET n = n - 1
        WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND residence = OLD.residence AND groups = OLD.groups;
    UPDATE people_level_counts SET n = n - 1
        WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND residence = OLD.residence AND groups = OLD.groups;
    DELETE FROM people_level_counts
        WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
    DELETE FROM people_level_counts
        WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
END;
CREATE TRIGGER people_counts_update AFTER UPDATE OF active, unit_code, residence, groups ON people
    WHEN (OLD.active = 1 OR NEW.active = 1) AND (OLD.active IS NOT NEW.active OR OLD.unit_code IS NOT NEW.unit_code
        OR OLD.residence IS NOT NEW.residence OR OLD.groups IS NOT NEW.groups)
BEGIN
    UPDATE people_counts SET n = n - 1
        WHERE OLD.active = 1 AND unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups;
    DELETE FROM people_counts
        WHERE OLD.active = 1 AND unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
    INSERT INTO people_counts (unit_code, residence, groups, n)
        SELECT NEW.unit_code, NEW.residence, NEW.groups, 1 WHERE NEW.active = 1
        ON CONFLICT (unit_code, residence, groups) DO UPDATE SET n = n + 1;
    UPDATE people_level_counts SET n = n - 1
        WHERE OLD.active = 1 AND digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
            AND residence = OLD.residence AND groups = OLD.groups;
    UPDATE people_level_counts SET n = n - 1
        WHERE OLD.active = 1 AND digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
            AND residence = OLD.residence AND groups = OLD.groups;
    DELETE FROM people_level_counts
        WHERE OLD.active = 1 AND digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
            AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
    DELETE FROM people_level_counts
        WHERE OLD.active = 1 AND digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
            AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
    INSERT INTO people_level_counts (digits, unit_code, residence, groups, n)
        SELECT l.digits, SUBSTR(NEW.unit_code, 1, l.digits), NEW.residence, NEW.groups, 1
        FROM (SELECT 9 AS digits UNION ALL SELECT 12) l WHERE NEW.active = 1
        ON CONFLICT (digits, unit_code, residence, groups) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER household_counts_insert AFTER INSERT ON households
BEGIN
    INSERT INTO household_counts (unit_code, n) VALUES (NEW.unit_code, 1)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + 1;
    INSERT INTO household_level_counts (digits, unit_code, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), 1), (12, SUBSTR(NEW.unit_code, 1, 12), 1)
        ON CONFLICT (digits, unit_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER household_counts_delete AFTER DELETE ON households
BEGIN
    UPDATE household_counts SET n = n - 1 WHERE unit_code = OLD.unit_code;
    DELETE FROM household_counts WHERE unit_code = OLD.unit_code AND n = 0;
    UPDATE household_level_counts SET n = n - 1 WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9);
    UPDATE household_level_counts SET n = n - 1 WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12);
    DELETE FROM household_level_counts WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND n = 0;
    DELETE FROM household_level_counts WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND n = 0;
END;
CREATE TRIGGER household_counts_update AFTER UPDATE OF unit_code ON households
    WHEN OLD.unit_code IS NOT NEW.unit_code
BEGIN
    UPDATE household_counts SET n = n - 1 WHERE unit_code = OLD.unit_code;
    DELETE FROM household_counts WHERE unit_code = OLD.unit_code AND n = 0;
    INSERT INTO household_counts (unit_code, n) VALUES (NEW.unit_code, 1)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + 1;
    UPDATE household_level_counts SET n = n - 1 WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9);
    UPDATE household_level_counts SET n = n - 1 WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12);
    DELETE FROM household_level_counts WHERE digits = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND n = 0;
    DELETE FROM household_level_counts WHERE digits = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND n = 0;
    INSERT INTO household_level_counts (digits, unit_code, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), 1), (12, SUBSTR(NEW.unit_code, 1, 12), 1)
        ON CONFLICT (digits, unit_code) DO UPDATE SET n = n + 1;
END;

-- The people and household lists of a county (人员, 户) page through the
-- county in list order, testing each row against the list's filters (on
-- the register, 居住状态, 特殊群体, a surname): the list-order indexes now
-- carry the id (the last sort key) and the filtered columns, so SQLite
-- walks the index, tests the filters in it, and reads only the rows of the
-- page; and the household list's order (unit, 户编号) is an index, so the
-- members and head of the page's households only are looked up, not those
-- of every household of the first unit before a sort.
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_code, household_id, id, active, residence, groups, name);
DROP INDEX households_unit;
CREATE INDEX households_unit ON households (unit_code, no);
