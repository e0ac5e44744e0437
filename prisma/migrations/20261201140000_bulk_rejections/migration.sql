-- Bulk rejections: a file of transaction ids, uploaded by an operator, whose rows become postbacks through the same
-- queue and worker as a rejection URL's (apps/admin/src/bulk/). An upload is staged whole (its rows COPYed into
-- bulk_rejection_rows, with their line numbers) before it is answered, and queued from there in the background.

-- CreateEnum
CREATE TYPE "bulk_rejection_status" AS ENUM ('running', 'applying', 'completed', 'cancelled', 'failed');

-- CreateTable
CREATE TABLE "bulk_rejections" (
    "id" UUID NOT NULL,
    "scope" "endpoint_scope" NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "reason" VARCHAR(255),
    "format" VARCHAR(10) NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "status" "bulk_rejection_status" NOT NULL DEFAULT 'running',
    "created_by" VARCHAR(128) NOT NULL,
    "idempotency_key" VARCHAR(200),
    "rows" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "last_line" INTEGER NOT NULL DEFAULT 0,
    "first_seq" BIGINT,
    "staged_at" TIMESTAMPTZ(3) NOT NULL,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "queued_through_line" INTEGER NOT NULL DEFAULT 0,
    "queuing_through_line" INTEGER,
    "queuing_at" TIMESTAMPTZ(3),
    "dry_run_outcomes" JSONB,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "lease_owner" VARCHAR(64),
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bulk_rejections_pkey" PRIMARY KEY ("id")
);

-- An offer-level upload names its offer, an advertiser-wide one none (as rejection_endpoints_scope_offer_check).
ALTER TABLE "bulk_rejections" ADD CONSTRAINT "bulk_rejections_scope_offer_check"
    CHECK (("scope" = 'offer') = ("offer_id" IS NOT NULL));

-- CreateTable
CREATE TABLE "bulk_rejection_rows" (
    "bulk_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "transaction_id" VARCHAR(128),
    "reason" VARCHAR(255),
    "error" VARCHAR(200),

    CONSTRAINT "bulk_rejection_rows_pkey" PRIMARY KEY ("bulk_id", "line")
);

-- CreateIndex
CREATE INDEX "bulk_rejections_created_at_idx" ON "bulk_rejections"("created_at");
-- The same Idempotency-Key from the same operator names one upload.
CREATE UNIQUE INDEX "bulk_rejections_created_by_idempotency_key_key" ON "bulk_rejections"("created_by", "idempotency_key");
-- The invalid rows of an upload, paged by line: a few among a million valid ones are read without the rest.
CREATE INDEX "bulk_rejection_rows_bulk_id_line_idx" ON "bulk_rejection_rows"("bulk_id", "line") WHERE "error" IS NOT NULL;

-- AddForeignKey
ALTER TABLE "bulk_rejections" ADD CONSTRAINT "bulk_rejections_advertiser_id_fkey" FOREIGN KEY ("advertiser_id") REFERENCES "advertisers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bulk_rejections" ADD CONSTRAINT "bulk_rejections_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bulk_rejection_rows" ADD CONSTRAINT "bulk_rejection_rows_bulk_id_fkey" FOREIGN KEY ("bulk_id") REFERENCES "bulk_rejections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- postback_log: a bulk row has no rejection URL. Its log row names its upload instead, and exactly one of the two
-- is set. On the large, live, partitioned postback_log each statement below is catalog work, taken under a brief
-- ACCESS EXCLUSIVE lock on the parent and its partitions, except the index (see below):
--   - DROP NOT NULL removes a constraint: nothing to check, no row read;
--   - ADD COLUMN, nullable and without a default, rewrites no row (old rows read it as NULL);
--   - the CHECK is added NOT VALID, so no partition is scanned: every row already there has an endpoint_id (it was
--     NOT NULL until this migration) and no bulk_id (the column is new), so it holds for them all, and it is
--     enforced on every row written from now on. VALIDATE CONSTRAINT may be run later, at leisure (it scans under
--     SHARE UPDATE EXCLUSIVE, which lets writes go on); it can find nothing.
ALTER TABLE "postback_log" ALTER COLUMN "endpoint_id" DROP NOT NULL;
ALTER TABLE "postback_log" ADD COLUMN "bulk_id" UUID;
ALTER TABLE "postback_log" ADD CONSTRAINT "postback_log_source_check"
    CHECK (("endpoint_id" IS NULL) <> ("bulk_id" IS NULL)) NOT VALID;

-- An upload's applied count and outcomes (GET /admin/rejections/bulk/:id): partial, so the log's postbacks from
-- rejection URLs (nearly all of it) cost it nothing, and with the outcome so the count by outcome is read from the
-- index alone. Creating it on the parent creates it on every partition, reading each one, while this migration
-- holds the ALTERs' ACCESS EXCLUSIVE lock (reads and writes wait), for an index that starts empty. On a large live table, build it beforehand on each partition
-- without blocking writes, under any name, with this definition; the statement below then adopts those indexes
-- instead of building them:
--   CREATE INDEX CONCURRENTLY ON "postback_log_pYYYYMMDD" ("bulk_id", "outcome") WHERE "bulk_id" IS NOT NULL;
--   (one per partition: SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'postback_log'::regclass)
-- Day partitions created later (the worker's maintenance) get it from the parent.
CREATE INDEX "postback_log_bulk_id_outcome_idx" ON "postback_log"("bulk_id", "outcome") WHERE "bulk_id" IS NOT NULL;
