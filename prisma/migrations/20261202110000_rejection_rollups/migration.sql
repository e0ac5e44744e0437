-- Rollups for the console's reports (issue 13): postbacks counted per hour (and per day) of receipt, advertiser,
-- offer, reason and outcome, so that a report over months reads a few rows per bucket instead of scanning
-- postback_log. Day buckets have their own table: a 30-day report by day reads 30 rows per key instead of 720
-- (measured in bench/reports.mjs: adding up a month of hourly rows of a 20-million-row log took over a second).
--
-- The worker never updates a rollup row in its batch: a hot counter row (today's "fraud" on a busy offer) would
-- serialise every batch that touches it behind one row lock. Instead each batch appends one delta row per key it
-- counted to rejection_rollup_deltas, in the same statement that writes its log rows (apps/worker/src/
-- applyRejections.ts), and the worker's maintenance job (packages/core/src/rejectionRollups/) moves the deltas
-- into rejection_rollups_hourly and rejection_rollups_daily, one row per key, under an advisory lock. A report adds the two tables up in one statement,
-- so it is exact as soon as a batch commits, before and after a compaction.
--
-- Both tables are new and empty: nothing here locks an existing table. Postbacks applied before this migration are
-- not counted (their log rows have no advertiser).

-- CreateTable
CREATE TABLE "rejection_rollup_deltas" (
    "id" BIGSERIAL NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "reason" VARCHAR(255) NOT NULL,
    "outcome" "postback_outcome" NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "rejection_rollup_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejection_rollups_hourly" (
    "id" BIGSERIAL NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "reason" VARCHAR(255) NOT NULL,
    "outcome" "postback_outcome" NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "rejection_rollups_hourly_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejection_rollups_daily" (
    "id" BIGSERIAL NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "reason" VARCHAR(255) NOT NULL,
    "outcome" "postback_outcome" NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "rejection_rollups_daily_pkey" PRIMARY KEY ("id")
);

-- One row per key: the compaction's ON CONFLICT target. NULLS NOT DISTINCT (Postgres 15): a postback whose
-- conversion was not found has no offer, and its rows must still meet in one. Led by the time: a report reads a
-- range of buckets, and the pruning deletes the oldest.
CREATE UNIQUE INDEX "rejection_rollups_hourly_hour_advertiser_id_offer_id_reason_outcome_key"
    ON "rejection_rollups_hourly" ("hour", "advertiser_id", "offer_id", "reason", "outcome") NULLS NOT DISTINCT;
CREATE UNIQUE INDEX "rejection_rollups_daily_day_advertiser_id_offer_id_reason_outcome_key"
    ON "rejection_rollups_daily" ("day", "advertiser_id", "offer_id", "reason", "outcome") NULLS NOT DISTINCT;
