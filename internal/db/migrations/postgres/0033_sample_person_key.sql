-- A person's samples are found by the unique key (person_id, campaign_id)
-- instead of (campaign_id, person_id) plus an index on person_id alone:
-- both served the same look-ups (a person in some campaigns, a person's
-- samples), and every sample paid for two indexes keyed by a random person.
CREATE UNIQUE INDEX test_samples_person_campaign ON test_samples (person_id, campaign_id);
ALTER TABLE test_samples DROP CONSTRAINT test_samples_campaign_id_person_id_key;
DROP INDEX test_samples_person;
