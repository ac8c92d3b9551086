-- Search by the last digits of the ID number (身份证号后四位) over a county
-- of a million people: the last four characters on an index.
CREATE INDEX people_id_tail ON people ((substr(id_number, length(id_number) - 3)));
-- A name prefix (name LIKE '王%') uses a b-tree index only under the C
-- collation or with text_pattern_ops; the latter serves it in any database
-- collation, and equality as well.
DROP INDEX people_name;
CREATE INDEX people_name ON people (name text_pattern_ops);
-- Households found by the prefix of their address (search.go in registry).
CREATE INDEX households_address ON households (address text_pattern_ops);
-- The records merged into a person (the person page): few, on an index.
CREATE INDEX people_merged ON people (merged_into) WHERE merged_into IS NOT NULL;
