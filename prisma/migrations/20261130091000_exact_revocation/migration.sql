-- Exact revocation at apply time. revoked_seq is the receipt sequence number taken, in Redis, in the same step as
-- the revocation: every postback received before it has a lower seq, every one received after a higher one. A
-- postback whose seq is higher than its URL's revoked_seq is not applied: its outcome is 'revoked'.
-- URLs revoked before this migration keep revoked_seq NULL, and the rule they had: the receivers refused their key
-- within KEY_CACHE_TTL_MS of the revocation, and what they accepted until then is applied.

-- AlterEnum (PostgreSQL 12+ allows this in a transaction, as long as the same transaction does not use the value)
ALTER TYPE "postback_outcome" ADD VALUE 'revoked';

-- AlterTable
ALTER TABLE "rejection_endpoints" ADD COLUMN "revoked_seq" BIGINT;
ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_revoked_seq_check"
    CHECK ("revoked_seq" IS NULL OR "revoked_at" IS NOT NULL);
