-- Searching the postback log newest first, page by page (keyset on received_at, postback_id): with no filter, and
-- by outcome. The endpoint and transaction filters use the indexes of the init migration. The retention job's
-- "received_at < cutoff" uses the first index as well.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "postback_log_received_at_postback_id_idx" ON "postback_log"("received_at", "postback_id");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "postback_log_outcome_received_at_postback_id_idx" ON "postback_log"("outcome", "received_at", "postback_id");
