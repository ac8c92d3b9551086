-- Roll-up counters per level (底数 by township and village): the counters
-- of 0021 summed per township (unit codes cut to 9 digits) and per village
-- (cut to 12), so a county page reads one row per township, residence
-- status and group set (about 600 for a county of a million) and a
-- township page one per village, instead of summing every group's rows.
-- digits is the length the codes are cut to; a code already that short
-- stays as it is. No county row is kept: it would be one row every write
-- to people updates, a hot row that would serialise every writer of the
-- county; a county's figures are the sum of its townships' rows.
--
-- The 0021 statement triggers stay; their functions now apply the level
-- deltas first (township rows, then village rows, each sorted by key) and
-- then 0021's deltas, so every transaction takes the counter rows it
-- shares with others coarsest first and in key order: two writers of the
-- same township queue on its row before they hold any finer one.
CREATE TABLE people_level_counts (
    digits    INTEGER NOT NULL,
    unit_code TEXT COLLATE "C" NOT NULL,
    residence TEXT NOT NULL,
    groups    BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (digits, unit_code, residence, groups)
);
CREATE TABLE household_level_counts (
    digits    INTEGER NOT NULL,
    unit_code TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (digits, unit_code)
);

INSERT INTO people_level_counts (digits, unit_code, residence, groups, n)
    SELECT l.digits, SUBSTR(c.unit_code, 1, l.digits), c.residence, c.groups, SUM(c.n)
    FROM people_counts c CROSS JOIN (VALUES (9), (12)) AS l (digits)
    GROUP BY 1, 2, 3, 4;
INSERT INTO household_level_counts (digits, unit_code, n)
    SELECT l.digits, SUBSTR(c.unit_code, 1, l.digits), SUM(c.n)
    FROM household_counts c CROSS JOIN (VALUES (9), (12)) AS l (digits)
    GROUP BY 1, 2;

-- people_level_counts_add adds the deltas of 0021's keys (one per unit,
-- residence status and group set, as the arrays list them) to the level
-- counters, summed per level and key, in key order, and deletes the
-- counters that reach 0.
CREATE FUNCTION people_level_counts_add(u TEXT[], r TEXT[], g BIGINT[], d BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    x record;
BEGIN
    FOR x IN
        INSERT INTO people_level_counts AS c (digits, unit_code, residence, groups, n)
            SELECT s.digits, s.u, s.r, s.g, s.d FROM (
                SELECT l.digits, SUBSTR(t.u, 1, l.digits) AS u, t.r, t.g, SUM(t.d) AS d
                FROM unnest(u, r, g, d) AS t (u, r, g, d) CROSS JOIN (VALUES (9), (12)) AS l (digits)
                GROUP BY 1, 2, 3, 4) s
            WHERE s.d <> 0 ORDER BY s.digits, s.u COLLATE "C", s.r COLLATE "C", s.g
        ON CONFLICT (digits, unit_code, residence, groups) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.digits, c.unit_code, c.residence, c.groups, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM people_level_counts
                WHERE digits = x.digits AND unit_code = x.unit_code AND residence = x.residence AND groups = x.groups;
        END IF;
    END LOOP;
END
$$;

-- people_counts_change is 0021's statement trigger, the level counters
-- added before its own.
CREATE OR REPLACE FUNCTION people_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
        PERFORM people_level_counts_add(u, r, g, d);
        PERFORM people_counts_add(u, r, g, d);
    END IF;
    RETURN NULL;
END
$$;

-- household_counts_change is 0021's, the level counters added first.
CREATE OR REPLACE FUNCTION household_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
        INSERT INTO household_level_counts AS c (digits, unit_code, n)
            SELECT s.digits, s.u, s.d FROM (
                SELECT l.digits, SUBSTR(t.u, 1, l.digits) AS u, SUM(t.d) AS d
                FROM unnest(u, d) AS t (u, d) CROSS JOIN (VALUES (9), (12)) AS l (digits)
                GROUP BY 1, 2) s
            WHERE s.d <> 0 ORDER BY s.digits, s.u COLLATE "C"
        ON CONFLICT (digits, unit_code) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.digits, c.unit_code, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM household_level_counts WHERE digits = x.digits AND unit_code = x.unit_code;
        END IF;
    END LOOP;
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

-- The people and household lists of a county (人员, 户) page through the
-- county in list order, testing each row against the list's filters (on
-- the register, 居住状态, 特殊群体, a surname): the list-order indexes now
-- end with the last sort key (people: id; households: 户编号), so a page is
-- read in index order without sorting a unit's rows, and the people index
-- carries the filtered columns (tested on the index entry: the register
-- and 居住状态 as index conditions).
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_code, household_id, id, active, residence, groups, name);
DROP INDEX households_unit;
CREATE INDEX households_unit ON households (unit_code, no);
