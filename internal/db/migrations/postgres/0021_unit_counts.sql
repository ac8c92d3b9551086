-- Roll-up counters (底数): the active people per unit, residence status and
-- special-group set, and the households per unit, so the county, township
-- and village pages read O(units) rows instead of counting people. The
-- triggers below keep them on every write to people and households, so no
-- write path (forms, ledger import, merge, 注销, the demo loader, tests)
-- can forget them; a counter that reaches 0 is deleted.
--
-- PostgreSQL's triggers are per statement with transition tables: a bulk
-- INSERT of 2,000 rows applies one aggregated delta per counter. Deltas are
-- applied as one upsert sorted by key, so two transactions lock counter
-- rows in the same order (they wait for each other, never deadlock within a
-- statement).
CREATE TABLE people_counts (
    unit_code TEXT COLLATE "C" NOT NULL,
    residence TEXT NOT NULL,
    groups    BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (unit_code, residence, groups)
);
CREATE TABLE household_counts (
    unit_code TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    n         BIGINT NOT NULL
);

INSERT INTO people_counts (unit_code, residence, groups, n)
    SELECT unit_code, residence, groups, COUNT(*) FROM people WHERE active = 1
    GROUP BY unit_code, residence, groups;
INSERT INTO household_counts (unit_code, n)
    SELECT unit_code, COUNT(*) FROM households GROUP BY unit_code;

-- people_counts_add adds deltas (one per key, as the arrays list them) to
-- people_counts in key order, and deletes the counters that reach 0.
CREATE FUNCTION people_counts_add(u TEXT[], r TEXT[], g BIGINT[], d BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    x record;
BEGIN
    FOR x IN
        INSERT INTO people_counts AS c (unit_code, residence, groups, n)
            SELECT t.u, t.r, t.g, t.d FROM unnest(u, r, g, d) AS t (u, r, g, d)
            WHERE t.d <> 0 ORDER BY t.u COLLATE "C", t.r COLLATE "C", t.g
        ON CONFLICT (unit_code, residence, groups) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.unit_code, c.residence, c.groups, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM people_counts WHERE unit_code = x.unit_code AND residence = x.residence AND groups = x.groups;
        END IF;
    END LOOP;
END
$$;

-- people_counts_change is the statement trigger: -1 per old active row, +1
-- per new active row, summed per key.
CREATE FUNCTION people_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    u TEXT[];
    r TEXT[];
    g BIGINT[];
    d BIGINT[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(unit_code), array_agg(residence), array_agg(groups), array_agg(n) INTO u, r, g, d
        FROM (SELECT unit_code, residence, groups, COUNT(*) AS n FROM new_people WHERE active = 1
            GROUP BY unit_code, residence, groups) t;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(unit_code), array_agg(residence), array_agg(groups), array_agg(n) INTO u, r, g, d
        FROM (SELECT unit_code, residence, groups, -COUNT(*) AS n FROM old_people WHERE active = 1
            GROUP BY unit_code, residence, groups) t;
    ELSE
        SELECT array_agg(unit_code), array_agg(residence), array_agg(groups), array_agg(n) INTO u, r, g, d
        FROM (SELECT unit_code, residence, groups, SUM(n) AS n FROM (
                SELECT unit_code, residence, groups, 1 AS n FROM new_people WHERE active = 1
                UNION ALL
                SELECT unit_code, residence, groups, -1 FROM old_people WHERE active = 1) x
            GROUP BY unit_code, residence, groups HAVING SUM(n) <> 0) t;
    END IF;
    IF u IS NOT NULL THEN
        PERFORM people_counts_add(u, r, g, d);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER people_counts_insert AFTER INSERT ON people
    REFERENCING NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION people_counts_change();
CREATE TRIGGER people_counts_delete AFTER DELETE ON people
    REFERENCING OLD TABLE AS old_people FOR EACH STATEMENT EXECUTE FUNCTION people_counts_change();
CREATE TRIGGER people_counts_update AFTER UPDATE ON people
    REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION people_counts_change();

-- household_counts_change: the same for households (every household
-- counts), one key per unit.
CREATE FUNCTION household_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    u TEXT[];
    d BIGINT[];
    x record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(unit_code), array_agg(n) INTO u, d
        FROM (SELECT unit_code, COUNT(*) AS n FROM new_households GROUP BY unit_code) t;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(unit_code), array_agg(n) INTO u, d
        FROM (SELECT unit_code, -COUNT(*) AS n FROM old_households GROUP BY unit_code) t;
    ELSE
        SELECT array_agg(unit_code), array_agg(n) INTO u, d
        FROM (SELECT unit_code, SUM(n) AS n FROM (
                SELECT unit_code, 1 AS n FROM new_households
                UNION ALL
                SELECT unit_code, -1 FROM old_households) x
            GROUP BY unit_code HAVING SUM(n) <> 0) t;
    END IF;
    IF u IS NULL THEN
        RETURN NULL;
    END IF;
    FOR x IN
        INSERT INTO household_counts AS c (unit_code, n)
            SELECT t.u, t.d FROM unnest(u, d) AS t (u, d) WHERE t.d <> 0 ORDER BY t.u COLLATE "C"
        ON CONFLICT (unit_code) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.unit_code, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM household_counts WHERE unit_code = x.unit_code;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER household_counts_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_households FOR EACH STATEMENT EXECUTE FUNCTION household_counts_change();
CREATE TRIGGER household_counts_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_households FOR EACH STATEMENT EXECUTE FUNCTION household_counts_change();
CREATE TRIGGER household_counts_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_households NEW TABLE AS new_households FOR EACH STATEMENT EXECUTE FUNCTION household_counts_change();
