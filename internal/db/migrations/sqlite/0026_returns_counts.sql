-- Roll-up counters of the returnee ledger, the push tasks and the sweeps,
-- so the county's cards, 今日待办 and statistics pages read per-village
-- (or per-township) rows instead of counting every returnee, task or
-- visit. The triggers keep them on every write (forms, self-reports, push
-- answers, imports, merges, the demo loader, tests); a counter that reaches
-- 0 is deleted. Keys hold a prefix of the row's unit code: the township (9
-- digits) and the village (12), each row counted once at each length (lvl),
-- so a county reads its townships' rows, a township its villages', and a
-- scope narrower than a village its few rows.
--
-- returnee_counts: returnees per township and per village, origin rank,
-- status and place status (the Tally of a card and of 今日待办).
CREATE TABLE returnee_counts (
    lvl           INTEGER NOT NULL,
    unit_code     TEXT NOT NULL,
    origin_rank   INTEGER NOT NULL,
    status        TEXT NOT NULL,
    origin_status TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (lvl, unit_code, origin_rank, status, origin_status)
);
-- returnee_day_counts: the same per county and per township (lvl: 6 or 9
-- digits) and arrival day (the weeks of the 底数 page).
CREATE TABLE returnee_day_counts (
    lvl           INTEGER NOT NULL,
    unit_code     TEXT NOT NULL,
    arrived_on    TEXT NOT NULL,
    origin_rank   INTEGER NOT NULL,
    status        TEXT NOT NULL,
    origin_status TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (lvl, unit_code, arrived_on, origin_rank, status, origin_status)
);
-- push_task_counts: push tasks per township and per village (or the
-- township or county queue), list, status, outcome and deadline (a list's
-- tasks share one deadline, so overdue is a sum over the keys whose
-- deadline has passed).
CREATE TABLE push_task_counts (
    lvl         INTEGER NOT NULL,
    unit_code   TEXT NOT NULL,
    list_id     INTEGER NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    deadline_at INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (lvl, unit_code, list_id, status, outcome, deadline_at)
);
-- sweep_visit_counts: the households visited per sweep and unit (exact),
-- and the returnees the visits found.
CREATE TABLE sweep_visit_counts (
    sweep_id  INTEGER NOT NULL,
    unit_code TEXT NOT NULL,
    n         INTEGER NOT NULL,
    returnees INTEGER NOT NULL,
    PRIMARY KEY (sweep_id, unit_code)
);

INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status, COUNT(*)
    FROM returnees, (SELECT 9 AS lvl UNION ALL SELECT 12) l
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status;
INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status, COUNT(*)
    FROM returnees, (SELECT 6 AS lvl UNION ALL SELECT 9) l
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status;
INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
    SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at, COUNT(*)
    FROM push_tasks, (SELECT 9 AS lvl UNION ALL SELECT 12) l
    GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at;
INSERT INTO sweep_visit_counts (sweep_id, unit_code, n, returnees)
    SELECT sweep_id, unit_code, COUNT(*), SUM(returnees) FROM sweep_visits GROUP BY sweep_id, unit_code;

CREATE TRIGGER returnee_counts_insert AFTER INSERT ON returnees
BEGIN
    INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
        VALUES (12, SUBSTR(NEW.unit_code, 1, 12), NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
        VALUES (6, SUBSTR(NEW.unit_code, 1, 6), NEW.arrived_on, NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, arrived_on, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.arrived_on, NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, arrived_on, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER returnee_counts_delete AFTER DELETE ON returnees
BEGIN
    UPDATE returnee_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    UPDATE returnee_counts SET n = n - 1 WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    DELETE FROM returnee_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    DELETE FROM returnee_counts WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    UPDATE returnee_day_counts SET n = n - 1 WHERE lvl = 6 AND unit_code = SUBSTR(OLD.unit_code, 1, 6) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    UPDATE returnee_day_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    DELETE FROM returnee_day_counts WHERE lvl = 6 AND unit_code = SUBSTR(OLD.unit_code, 1, 6) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    DELETE FROM returnee_day_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
END;
CREATE TRIGGER returnee_counts_update AFTER UPDATE OF unit_code, arrived_on, origin_rank, status, origin_status ON returnees
    WHEN OLD.unit_code IS NOT NEW.unit_code OR OLD.arrived_on IS NOT NEW.arrived_on OR OLD.origin_rank IS NOT NEW.origin_rank
        OR OLD.status IS NOT NEW.status OR OLD.origin_status IS NOT NEW.origin_status
BEGIN
    UPDATE returnee_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    UPDATE returnee_counts SET n = n - 1 WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    DELETE FROM returnee_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    DELETE FROM returnee_counts WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12)
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    INSERT INTO returnee_counts (lvl, unit_code, origin_rank, status, origin_status, n)
        VALUES (12, SUBSTR(NEW.unit_code, 1, 12), NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    UPDATE returnee_day_counts SET n = n - 1 WHERE lvl = 6 AND unit_code = SUBSTR(OLD.unit_code, 1, 6) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    UPDATE returnee_day_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status;
    DELETE FROM returnee_day_counts WHERE lvl = 6 AND unit_code = SUBSTR(OLD.unit_code, 1, 6) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    DELETE FROM returnee_day_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND arrived_on = OLD.arrived_on
        AND origin_rank = OLD.origin_rank AND status = OLD.status AND origin_status = OLD.origin_status AND n = 0;
    INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
        VALUES (6, SUBSTR(NEW.unit_code, 1, 6), NEW.arrived_on, NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, arrived_on, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
    INSERT INTO returnee_day_counts (lvl, unit_code, arrived_on, origin_rank, status, origin_status, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.arrived_on, NEW.origin_rank, NEW.status, NEW.origin_status, 1)
        ON CONFLICT (lvl, unit_code, arrived_on, origin_rank, status, origin_status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER push_task_counts_insert AFTER INSERT ON push_tasks
BEGIN
    INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.list_id, NEW.status, NEW.outcome, NEW.deadline_at, 1)
        ON CONFLICT (lvl, unit_code, list_id, status, outcome, deadline_at) DO UPDATE SET n = n + 1;
    INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
        VALUES (12, SUBSTR(NEW.unit_code, 1, 12), NEW.list_id, NEW.status, NEW.outcome, NEW.deadline_at, 1)
        ON CONFLICT (lvl, unit_code, list_id, status, outcome, deadline_at) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER push_task_counts_delete AFTER DELETE ON push_tasks
BEGIN
    UPDATE push_task_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at;
    UPDATE push_task_counts SET n = n - 1 WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at;
    DELETE FROM push_task_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at AND n = 0;
    DELETE FROM push_task_counts WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at AND n = 0;
END;
CREATE TRIGGER push_task_counts_update AFTER UPDATE OF unit_code, list_id, status, outcome, deadline_at ON push_tasks
    WHEN OLD.unit_code IS NOT NEW.unit_code OR OLD.list_id IS NOT NEW.list_id OR OLD.status IS NOT NEW.status
        OR OLD.outcome IS NOT NEW.outcome OR OLD.deadline_at IS NOT NEW.deadline_at
BEGIN
    UPDATE push_task_counts SET n = n - 1 WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at;
    UPDATE push_task_counts SET n = n - 1 WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at;
    DELETE FROM push_task_counts WHERE lvl = 9 AND unit_code = SUBSTR(OLD.unit_code, 1, 9) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at AND n = 0;
    DELETE FROM push_task_counts WHERE lvl = 12 AND unit_code = SUBSTR(OLD.unit_code, 1, 12) AND list_id = OLD.list_id
        AND status = OLD.status AND outcome = OLD.outcome AND deadline_at = OLD.deadline_at AND n = 0;
    INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
        VALUES (9, SUBSTR(NEW.unit_code, 1, 9), NEW.list_id, NEW.status, NEW.outcome, NEW.deadline_at, 1)
        ON CONFLICT (lvl, unit_code, list_id, status, outcome, deadline_at) DO UPDATE SET n = n + 1;
    INSERT INTO push_task_counts (lvl, unit_code, list_id, status, outcome, deadline_at, n)
        VALUES (12, SUBSTR(NEW.unit_code, 1, 12), NEW.list_id, NEW.status, NEW.outcome, NEW.deadline_at, 1)
        ON CONFLICT (lvl, unit_code, list_id, status, outcome, deadline_at) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER sweep_visit_counts_insert AFTER INSERT ON sweep_visits
BEGIN
    INSERT INTO sweep_visit_counts (sweep_id, unit_code, n, returnees) VALUES (NEW.sweep_id, NEW.unit_code, 1, NEW.returnees)
        ON CONFLICT (sweep_id, unit_code) DO UPDATE SET n = n + 1, returnees = returnees + excluded.returnees;
END;
CREATE TRIGGER sweep_visit_counts_delete AFTER DELETE ON sweep_visits
BEGIN
    UPDATE sweep_visit_counts SET n = n - 1, returnees = returnees - OLD.returnees
        WHERE sweep_id = OLD.sweep_id AND unit_code = OLD.unit_code;
    DELETE FROM sweep_visit_counts WHERE sweep_id = OLD.sweep_id AND unit_code = OLD.unit_code AND n = 0;
END;
CREATE TRIGGER sweep_visit_counts_update AFTER UPDATE OF sweep_id, unit_code, returnees ON sweep_visits
    WHEN OLD.sweep_id IS NOT NEW.sweep_id OR OLD.unit_code IS NOT NEW.unit_code OR OLD.returnees IS NOT NEW.returnees
BEGIN
    UPDATE sweep_visit_counts SET n = n - 1, returnees = returnees - OLD.returnees
        WHERE sweep_id = OLD.sweep_id AND unit_code = OLD.unit_code;
    DELETE FROM sweep_visit_counts WHERE sweep_id = OLD.sweep_id AND unit_code = OLD.unit_code AND n = 0;
    INSERT INTO sweep_visit_counts (sweep_id, unit_code, n, returnees) VALUES (NEW.sweep_id, NEW.unit_code, 1, NEW.returnees)
        ON CONFLICT (sweep_id, unit_code) DO UPDATE SET n = n + 1, returnees = returnees + excluded.returnees;
END;

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
