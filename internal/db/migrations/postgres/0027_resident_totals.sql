-- Residents per unit (常住人口底数): the people on the register per unit,
-- and of them those present (residence other than 外出务工 and 外出上学), so
-- the readiness standards, the quarantine-room occupancy dashboard and the
-- testing capacity plan read one row per unit (some 2,000 in a county of a
-- million) rather than the registry's counters by residence and special
-- group (some 35,000). They are a roll-up of those counters
-- (people_counts, 0021), kept by row triggers on them: every write to
-- people changes people_counts, which changes these, so no write path can
-- forget them; a unit whose count reaches 0 is deleted.
--
-- Row triggers here, on both databases: people_counts is already one row
-- per key and statement (0021 applies a bulk statement's aggregated
-- deltas), in key order, so these upserts follow unit order too.
CREATE TABLE resident_totals (
    unit_code TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    n         BIGINT NOT NULL,
    present   BIGINT NOT NULL
);

INSERT INTO resident_totals (unit_code, n, present)
    SELECT unit_code, SUM(n), SUM(CASE WHEN residence IN ('外出务工', '外出上学') THEN 0 ELSE n END)
    FROM people_counts GROUP BY unit_code;

-- resident_totals_add adds a delta to a unit, deleting it at 0.
CREATE FUNCTION resident_totals_add(u TEXT, dn BIGINT, dp BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    left_n BIGINT;
BEGIN
    IF dn = 0 AND dp = 0 THEN
        RETURN;
    END IF;
    INSERT INTO resident_totals AS c (unit_code, n, present) VALUES (u, dn, dp)
        ON CONFLICT (unit_code) DO UPDATE SET n = c.n + excluded.n, present = c.present + excluded.present
        RETURNING c.n INTO left_n;
    IF left_n = 0 THEN
        DELETE FROM resident_totals WHERE unit_code = u;
    END IF;
END
$$;

CREATE FUNCTION resident_totals_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op BIGINT := 0;
    np BIGINT := 0;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        op := CASE WHEN OLD.residence IN ('外出务工', '外出上学') THEN 0 ELSE OLD.n END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        np := CASE WHEN NEW.residence IN ('外出务工', '外出上学') THEN 0 ELSE NEW.n END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.unit_code = NEW.unit_code THEN
        PERFORM resident_totals_add(NEW.unit_code, NEW.n - OLD.n, np - op);
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM resident_totals_add(OLD.unit_code, -OLD.n, -op);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM resident_totals_add(NEW.unit_code, NEW.n, np);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER resident_totals_insert AFTER INSERT ON people_counts FOR EACH ROW EXECUTE FUNCTION resident_totals_change();
CREATE TRIGGER resident_totals_delete AFTER DELETE ON people_counts FOR EACH ROW EXECUTE FUNCTION resident_totals_change();
CREATE TRIGGER resident_totals_update AFTER UPDATE ON people_counts FOR EACH ROW EXECUTE FUNCTION resident_totals_change();
