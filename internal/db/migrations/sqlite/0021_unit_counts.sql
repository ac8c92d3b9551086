-- Roll-up counters (底数): the active people per unit, residence status and
-- special-group set, and the households per unit, so the county, township
-- and village pages read O(units) rows instead of counting people. The
-- triggers below keep them on every write to people and households, so no
-- write path (forms, ledger import, merge, 注销, the demo loader, tests)
-- can forget them; a counter that reaches 0 is deleted.
CREATE TABLE people_counts (
    unit_code TEXT NOT NULL,
    residence TEXT NOT NULL,
    groups    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (unit_code, residence, groups)
);
CREATE TABLE household_counts (
    unit_code TEXT NOT NULL PRIMARY KEY,
    n         INTEGER NOT NULL
);

INSERT INTO people_counts (unit_code, residence, groups, n)
    SELECT unit_code, residence, groups, COUNT(*) FROM people WHERE active = 1
    GROUP BY unit_code, residence, groups;
INSERT INTO household_counts (unit_code, n)
    SELECT unit_code, COUNT(*) FROM households GROUP BY unit_code;

CREATE TRIGGER people_counts_insert AFTER INSERT ON people WHEN NEW.active = 1
BEGIN
    INSERT INTO people_counts (unit_code, residence, groups, n) VALUES (NEW.unit_code, NEW.residence, NEW.groups, 1)
        ON CONFLICT (unit_code, residence, groups) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER people_counts_delete AFTER DELETE ON people WHEN OLD.active = 1
BEGIN
    UPDATE people_counts SET n = n - 1
        WHERE unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups;
    DELETE FROM people_counts
        WHERE unit_code = OLD.unit_code AND residence = OLD.residence AND groups = OLD.groups AND n = 0;
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
END;

CREATE TRIGGER household_counts_insert AFTER INSERT ON households
BEGIN
    INSERT INTO household_counts (unit_code, n) VALUES (NEW.unit_code, 1)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER household_counts_delete AFTER DELETE ON households
BEGIN
    UPDATE household_counts SET n = n - 1 WHERE unit_code = OLD.unit_code;
    DELETE FROM household_counts WHERE unit_code = OLD.unit_code AND n = 0;
END;
CREATE TRIGGER household_counts_update AFTER UPDATE OF unit_code ON households
    WHEN OLD.unit_code IS NOT NEW.unit_code
BEGIN
    UPDATE household_counts SET n = n - 1 WHERE unit_code = OLD.unit_code;
    DELETE FROM household_counts WHERE unit_code = OLD.unit_code AND n = 0;
    INSERT INTO household_counts (unit_code, n) VALUES (NEW.unit_code, 1)
        ON CONFLICT (unit_code) DO UPDATE SET n = n + 1;
END;
