-- Roll-up counters of the returnee ledger, the push tasks and the sweeps,
-- so the county's cards, 今日待办 and statistics pages read per-village
-- (or per-township) rows instead of counting every returnee, task or
-- visit. The triggers keep them on every write (forms, self-reports, push
-- answers, imports, merges, the demo loader, tests); a counter that reaches
-- 0 is deleted. Keys hold a prefix of the row's unit code: the township (9
-- digits) and the village (12), each row counted once at each length (lvl)
-- in returnee_counts and push_task_counts (the county, 6, and the township
-- in returnee_day_counts), so a county reads its townships' rows (its own
-- by day), a township its villages', and a scope narrower than a village
-- its few rows.
--
-- PostgreSQL's triggers are per statement with transition tables (as in
-- 0021): each statement's old and new rows become one delta per key,
-- applied as one upsert sorted by key, so two transactions lock counter
-- rows in the same order.
CREATE TABLE returnee_counts (
    lvl           BIGINT NOT NULL,
    unit_code     TEXT COLLATE "C" NOT NULL,
    origin_rank   BIGINT NOT NULL,
    status        TEXT NOT NULL,
    origin_status TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (lvl, unit_code, origin_rank, status, origin_status)
);
CREATE TABLE returnee_day_counts (
    lvl           BIGINT NOT NULL,
    unit_code     TEXT COLLATE "C" NOT NULL,
    arrived_on    TEXT NOT NULL,
    origin_rank   BIGINT NOT NULL,
    status        TEXT NOT NULL,
    origin_status TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (lvl, unit_code, arrived_on, origin_rank, status, origin_status)
);
CREATE TABLE push_task_counts (
    lvl         BIGINT NOT NULL,
    unit_code   TEXT COLLATE "C" NOT NULL,
    list_id     BIGINT NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    deadline_at BIGINT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (lvl, unit_code, list_id, status, outcome, deadline_at)
);
CREATE TABLE sweep_visit_counts (
    sweep_id  BIGINT NOT NULL,
    unit_code TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL,
    returnees BIGINT NOT NULL,
    PRIMARY KEY (sweep_id, unit_code)
);

INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status, COUNT(*)
    FROM returnees, (VALUES (9), (12)) AS l (lvl)
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status;
INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status, COUNT(*)
    FROM returnees, (VALUES (6), (9)) AS l (lvl)
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status;
INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at, COUNT(*)
    FROM push_tasks, (VALUES (9), (12)) AS l (lvl)
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at;
INSERT INTO sweep_visit_counts (sweep_id, unit_code, n, returnees)
    SELECT sweep_id, unit_code, COUNT(*), SUM(returnees) FROM sweep_visits GROUP BY sweep_id, unit_code;

-- returnee_counts_change: +1 per new row, -1 per old row, summed per key of
-- each counter table.
CREATE FUNCTION returnee_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nu TEXT[]; na TEXT[]; nr BIGINT[]; ns TEXT[]; np TEXT[];
    ou TEXT[]; oa TEXT[]; orank BIGINT[]; os TEXT[]; op TEXT[];
    x record;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT array_agg(unit_code), array_agg(arrived_on), array_agg(origin_rank), array_agg(status), array_agg(origin_status)
            INTO nu, na, nr, ns, np FROM new_returnees;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT array_agg(unit_code), array_agg(arrived_on), array_agg(origin_rank), array_agg(status), array_agg(origin_status)
            INTO ou, oa, orank, os, op FROM old_returnees;
    END IF;
    FOR x IN
        INSERT INTO returnee_counts AS c (lvl, unit_code, origin_rank, status, origin_status, n)
            SELECT l.lvl, SUBSTR(d.u, 1, l.lvl), d.r, d.s, d.p, SUM(d.d) FROM (
                SELECT t.u, t.r, t.s, t.p, 1 AS d FROM unnest(nu, nr, ns, np) AS t (u, r, s, p)
                UNION ALL
                SELECT t.u, t.r, t.s, t.p, -1 FROM unnest(ou, orank, os, op) AS t (u, r, s, p)) d,
                (VALUES (9), (12)) AS l (lvl)
            GROUP BY 1, 2, 3, 4, 5 HAVING SUM(d.d) <> 0
            ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (lvl, unit_code, origin_rank, status, origin_status) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.lvl, c.unit_code, c.origin_rank, c.status, c.origin_status, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM returnee_counts WHERE lvl = x.lvl AND unit_code = x.unit_code AND origin_rank = x.origin_rank
                AND status = x.status AND origin_status = x.origin_status;
        END IF;
    END LOOP;
    FOR x IN
        INSERT INTO returnee_day_counts AS c (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
            SELECT l.lvl, SUBSTR(d.u, 1, l.lvl), d.a, d.r, d.s, d.p, SUM(d.d) FROM (
                SELECT t.u, t.a, t.r, t.s, t.p, 1 AS d FROM unnest(nu, na, nr, ns, np) AS t (u, a, r, s, p)
                UNION ALL
                SELECT t.u, t.a, t.r, t.s, t.p, -1 FROM unnest(ou, oa, orank, os, op) AS t (u, a, r, s, p)) d,
                (VALUES (6), (9)) AS l (lvl)
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(d.d) <> 0
            ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (lvl, unit_code, arrived_on, origin_rank, status, origin_status) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.lvl, c.unit_code, c.arrived_on, c.origin_rank, c.status, c.origin_status, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM returnee_day_counts WHERE lvl = x.lvl AND unit_code = x.unit_code AND arrived_on = x.arrived_on
                AND origin_rank = x.origin_rank AND status = x.status AND origin_status = x.origin_status;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER returnee_counts_insert AFTER INSERT ON returnees
    REFERENCING NEW TABLE AS new_returnees FOR EACH STATEMENT EXECUTE FUNCTION returnee_counts_change();
CREATE TRIGGER returnee_counts_delete AFTER DELETE ON returnees
    REFERENCING OLD TABLE AS old_returnees FOR EACH STATEMENT EXECUTE FUNCTION returnee_counts_change();
CREATE TRIGGER returnee_counts_update AFTER UPDATE ON returnees
    REFERENCING OLD TABLE AS old_returnees NEW TABLE AS new_returnees FOR EACH STATEMENT EXECUTE FUNCTION returnee_counts_change();

-- push_task_counts_change: the same for push tasks.
CREATE FUNCTION push_task_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nu TEXT[]; nl BIGINT[]; ns TEXT[]; nc TEXT[]; nd BIGINT[];
    ou TEXT[]; ol BIGINT[]; os TEXT[]; oc TEXT[]; od BIGINT[];
    x record;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT array_agg(unit_code), array_agg(list_id), array_agg(status), array_agg(outcome), array_agg(deadline_at)
            INTO nu, nl, ns, nc, nd FROM new_tasks;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT array_agg(unit_code), array_agg(list_id), array_agg(status), array_agg(outcome), array_agg(deadline_at)
            INTO ou, ol, os, oc, od FROM old_tasks;
    END IF;
    FOR x IN
        INSERT INTO push_task_counts AS c (lvl, unit_code, list_id, status, outcome, deadline_at, n)
            SELECT lv.lvl, SUBSTR(d.u, 1, lv.lvl), d.l, d.s, d.o, d.dl, SUM(d.d) FROM (
                SELECT t.u, t.l, t.s, t.o, t.dl, 1 AS d FROM unnest(nu, nl, ns, nc, nd) AS t (u, l, s, o, dl)
                UNION ALL
                SELECT t.u, t.l, t.s, t.o, t.dl, -1 FROM unnest(ou, ol, os, oc, od) AS t (u, l, s, o, dl)) d,
                (VALUES (9), (12)) AS lv (lvl)
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(d.d) <> 0
            ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (lvl, unit_code, list_id, status, outcome, deadline_at) DO UPDATE SET n = c.n + excluded.n
        RETURNING c.lvl, c.unit_code, c.list_id, c.status, c.outcome, c.deadline_at, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM push_task_counts WHERE lvl = x.lvl AND unit_code = x.unit_code AND list_id = x.list_id
                AND status = x.status AND outcome = x.outcome AND deadline_at = x.deadline_at;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER push_task_counts_insert AFTER INSERT ON push_tasks
    REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION push_task_counts_change();
CREATE TRIGGER push_task_counts_delete AFTER DELETE ON push_tasks
    REFERENCING OLD TABLE AS old_tasks FOR EACH STATEMENT EXECUTE FUNCTION push_task_counts_change();
CREATE TRIGGER push_task_counts_update AFTER UPDATE ON push_tasks
    REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION push_task_counts_change();

-- sweep_visit_counts_change: visits (+1/-1) and the returnees they found
-- (+/- the visit's figure) per sweep and unit.
CREATE FUNCTION sweep_visit_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nw BIGINT[]; nu TEXT[]; nr BIGINT[];
    ow BIGINT[]; ou TEXT[]; orr BIGINT[];
    x record;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT array_agg(sweep_id), array_agg(unit_code), array_agg(returnees) INTO nw, nu, nr FROM new_visits;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT array_agg(sweep_id), array_agg(unit_code), array_agg(returnees) INTO ow, ou, orr FROM old_visits;
    END IF;
    FOR x IN
        INSERT INTO sweep_visit_counts AS c (sweep_id, unit_code, n, returnees)
            SELECT d.w, d.u, SUM(d.d), SUM(d.r) FROM (
                SELECT t.w, t.u, 1 AS d, t.r FROM unnest(nw, nu, nr) AS t (w, u, r)
                UNION ALL
                SELECT t.w, t.u, -1, -t.r FROM unnest(ow, ou, orr) AS t (w, u, r)) d
            GROUP BY 1, 2 HAVING SUM(d.d) <> 0 OR SUM(d.r) <> 0
            ORDER BY 1, 2
        ON CONFLICT (sweep_id, unit_code) DO UPDATE SET n = c.n + excluded.n, returnees = c.returnees + excluded.returnees
        RETURNING c.sweep_id, c.unit_code, c.n
    LOOP
        IF x.n = 0 THEN
            DELETE FROM sweep_visit_counts WHERE sweep_id = x.sweep_id AND unit_code = x.unit_code;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER sweep_visit_counts_insert AFTER INSERT ON sweep_visits
    REFERENCING NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION sweep_visit_counts_change();
CREATE TRIGGER sweep_visit_counts_delete AFTER DELETE ON sweep_visits
    REFERENCING OLD TABLE AS old_visits FOR EACH STATEMENT EXECUTE FUNCTION sweep_visit_counts_change();
CREATE TRIGGER sweep_visit_counts_update AFTER UPDATE ON sweep_visits
    REFERENCING OLD TABLE AS old_visits NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION sweep_visit_counts_change();

-- The ledger of a county or township, newest arrival first, walks this
-- index (its filters read from it) and stops at a page; a village's reads
-- its few rows by returnees_days. A village's 底数 (its groups by arrival
-- day) reads returnees_days alone.
CREATE INDEX returnees_arrived ON returnees (arrived_on, id, unit_code, status, origin_rank, origin_status);
CREATE INDEX returnees_days ON returnees (unit_code, arrived_on, origin_rank, status, origin_status);
-- The task list of a county or township, earliest deadline first, walks
-- these.
CREATE INDEX push_tasks_due ON push_tasks (status, deadline_at, id, unit_code, outcome, list_id);
CREATE INDEX push_tasks_deadline ON push_tasks (deadline_at, id, unit_code, status, outcome, list_id);
-- The median time to verify of a township (on a county's page) or of a
-- village (on a township's): the answered tasks' times in order, so the
-- middle one is found by stepping over half of them, without a sort.
CREATE INDEX push_tasks_answered_town ON push_tasks (SUBSTR(unit_code, 1, 9), (answered_at - created_at)) WHERE status = 'done';
CREATE INDEX push_tasks_answered_village ON push_tasks (SUBSTR(unit_code, 1, 12), (answered_at - created_at)) WHERE status = 'done';
-- returnees_days covers what returnees_tally served (a group's tally) and
-- returnees_unit (a village's ledger, newest first).
DROP INDEX returnees_tally;
DROP INDEX returnees_unit;
