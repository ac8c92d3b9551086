-- Search by the last digits of the ID number (身份证号后四位) over a county
-- of a million people: the last four characters on an index.
CREATE INDEX people_id_tail ON people (substr(id_number, length(id_number) - 3));
-- Households found by the prefix of their address (search.go in registry).
CREATE INDEX households_address ON households (address);
-- The records merged into a person (the person page): few, on an index.
CREATE INDEX people_merged ON people (merged_into) WHERE merged_into IS NOT NULL;
