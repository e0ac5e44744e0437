-- The history's foreign key to conversions ran a referential-integrity trigger for every history row the worker's
-- batch statement wrote: a key-share lock and an index probe of a conversion the same transaction had locked FOR
-- UPDATE moments before, a check that cannot fail there. bench/explainAffiliates.mjs (batches of 1,000 changes, 200,000
-- notifications in the table, medians of 9, two runs minutes apart) showed it at 3.6-3.9 ms a batch; without it the
-- statement took 32.3 ms instead of 37.7 with no affiliate postbacks, 41.4 instead of 47.3 with them.
--
-- What the key guarded is kept, checked where it can fail: a conversion with history cannot be deleted, nor its id
-- changed (both refused with foreign_key_violation, as the key refused them). Nothing in the product deletes a
-- conversion or changes its id, so the check costs nothing on any path the pipeline runs. A delete racing a batch
-- that writes the conversion's first history row waits for the batch's row lock, and its check then reads the
-- committed history.
CREATE FUNCTION "conversion_history_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "conversion_status_history" WHERE "conversion_id" = OLD."id") THEN
    RAISE EXCEPTION 'conversion % has status history', OLD."id"
      USING ERRCODE = 'foreign_key_violation', TABLE = 'conversions',
            HINT = 'A conversion with history is kept: its history is the record of what its postbacks did.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER "conversions_history_guard_delete"
  BEFORE DELETE ON "conversions"
  FOR EACH ROW EXECUTE FUNCTION "conversion_history_guard"();
CREATE TRIGGER "conversions_history_guard_update"
  BEFORE UPDATE OF "id" ON "conversions"
  FOR EACH ROW WHEN (OLD."id" IS DISTINCT FROM NEW."id") EXECUTE FUNCTION "conversion_history_guard"();

ALTER TABLE "conversion_status_history" DROP CONSTRAINT "conversion_status_history_conversion_id_fkey";
