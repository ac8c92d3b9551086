-- The returnee card of a unit (Tally: by origin rank, status and place
-- status) reads this index alone over the unit's range, never the rows.
CREATE INDEX returnees_tally ON returnees (unit_code, origin_rank, status, origin_status);
