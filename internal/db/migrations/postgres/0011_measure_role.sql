-- The role of the account that put a person under a measure (卡口, 哨点,
-- 流调, …): the people a look-up role sees in full are those its own role
-- handed over (package lookup).
ALTER TABLE measures ADD COLUMN created_role TEXT NOT NULL DEFAULT '';
