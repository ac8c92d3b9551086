-- A platform's scan log imported twice records each scan once: the same
-- person (as the log names them) at the same place and minute is one scan.
-- Copies already stored are dropped first, keeping the earliest row.
DELETE FROM tracing_scans WHERE id NOT IN (
    SELECT MIN(id) FROM tracing_scans GROUP BY place_id, scanned_at, id_number, phone, name);
DROP INDEX tracing_scans_place;
CREATE UNIQUE INDEX tracing_scans_once ON tracing_scans (place_id, scanned_at, id_number, phone, name);
