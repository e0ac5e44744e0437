-- The console's rejection log filters on these (issue 13): who the postback concerned and what became of it, filled
-- by the worker when it applies the postback, so that a filter never joins conversions (a conversion's offer is the
-- one at apply time; for a global URL it is the conversion's offer, not the URL's).
--   advertiser_id: the rejection URL's (or bulk upload's) advertiser;
--   offer_id:      the conversion's offer (null when the conversion was not found);
--   error:         why a postback changed nothing, in words (not_found, out_of_scope, superseded, revoked);
--   source:        how it arrived: 'url' (a rejection URL), 'bulk' (a bulk upload), 'replay' (put back from the
--                  dead-letter queue).
-- Rows written before this migration keep nulls. Adding a nullable column without a default changes only the
-- catalog: no rewrite, no scan, a brief lock on the parent and each partition (recursing to postback_log_legacy and
-- postback_log_default too).
ALTER TABLE "postback_log"
    ADD COLUMN "advertiser_id" INTEGER,
    ADD COLUMN "offer_id" INTEGER,
    ADD COLUMN "error" TEXT,
    ADD COLUMN "source" VARCHAR(16);

-- A day partition an interrupted retention run detached but did not drop is a plain table now: give it the same
-- columns, so that maintenance can move its rows back with the parent's column list.
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT relname FROM pg_class
           WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND NOT relispartition
             AND relname ~ '^postback_log_p[0-9]{8}$'
  LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS "advertiser_id" INTEGER, ADD COLUMN IF NOT EXISTS "offer_id" INTEGER, '
                   'ADD COLUMN IF NOT EXISTS "error" TEXT, ADD COLUMN IF NOT EXISTS "source" VARCHAR(16)', t);
  END LOOP;
END $$;
