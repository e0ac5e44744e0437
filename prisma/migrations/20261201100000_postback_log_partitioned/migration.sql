-- postback_log becomes partitioned by RANGE (received_at), one partition per UTC day, so that retention drops a
-- day's partition (DETACH + DROP, no dead tuples) instead of deleting rows, and each day's indexes stay small.
--
-- No row is copied. The old table is renamed postback_log_legacy and attached, as it is, as the partition of
-- everything received before T = the start of the UTC day after tomorrow; new day partitions start at T, and a
-- DEFAULT partition takes whatever no day partition covers (a replayed postback whose day was dropped). The worker's
-- maintenance job creates the days ahead, drops the expired ones, prunes the default and legacy partitions row by
-- row and drops the legacy partition once it is empty (packages/core/src/postbackLog/).
--
-- On a large live postback_log. The migrator runs each migration in one transaction, which holds an ACCESS
-- EXCLUSIVE lock on the old table from the rename to the commit: everything below is catalog work, except the
-- steps that would read the whole table if what they need were missing:
--   - ATTACH checks every row against the partition bound unless a validated CHECK already proves it;
--   - the parent's indexes are adopted from matching indexes of the legacy partition, or built on it: the primary
--     key needs a unique index on (received_at, postback_id), the outcome index its partial twin.
-- Build them beforehand, without blocking writes, under the names used here (the migration then finds them and
-- skips the work; on a small table it does the work itself). T must be a UTC midnight that the migration will run
-- before: rows received at or after T are refused until it has run. Choose the day after tomorrow, and migrate
-- within a day:
--
--   CREATE UNIQUE INDEX CONCURRENTLY "postback_log_legacy_received_at_postback_id_key"
--     ON "postback_log" ("received_at", "postback_id");
--   CREATE INDEX CONCURRENTLY "postback_log_legacy_outcome_received_at_postback_id_idx"
--     ON "postback_log" ("outcome", "received_at", "postback_id") WHERE "outcome" <> 'rejected';
--   SET lock_timeout = '2s';  -- ADD CONSTRAINT takes a brief ACCESS EXCLUSIVE lock: try again if it times out
--   ALTER TABLE "postback_log" ADD CONSTRAINT "postback_log_legacy_received_at_check"
--     CHECK ("received_at" < '2026-12-03 00:00:00+00') NOT VALID;              -- T
--   ALTER TABLE "postback_log" VALIDATE CONSTRAINT "postback_log_legacy_received_at_check";  -- reads, writes go on
--
-- then run the migration with a lock timeout, so that it fails (and can simply be run again) rather than queue the
-- workers' writes behind it: PGOPTIONS='-c lock_timeout=5s' npm run db:migrate. An index that CREATE INDEX
-- CONCURRENTLY left invalid (it failed half-way) stops the migration: drop it and build it again.
--
-- Indexes, reviewed against the queries that read postback_log (plans in the comment at the end):
--   - PRIMARY KEY (received_at, postback_id): the log search's keyset order (apps/admin/src/services/
--     postbackLogSearch.ts) and the worker's idempotency read and ON CONFLICT (apps/worker/src/applyRejections.ts),
--     both pruned to the batch's days by received_at. It replaces the old (received_at, postback_id) index and the
--     primary key on postback_id: a unique index on a partitioned table must contain the partition key.
--   - (endpoint_id, received_at): the search by endpoint and the console's "last used" per rejection URL
--     (rejectionEndpointList.ts).
--   - (transaction_id): the search by transaction (conversion show, "why did my rejection do nothing?").
--   - (outcome, received_at, postback_id) becomes partial, WHERE outcome <> 'rejected': the search by a rare outcome
--     ("why did my rejection do nothing?": revoked, out_of_scope, not_found…) needs it, the search for rejected
--     postbacks (most of the log) is served as well by the primary key with a filter, and the partial index is a
--     fifth of the size and costs nothing when a postback is rejected.
-- conversion_status_history keeps its three: the primary key, the unique postback_id (a second application of a
-- postback cannot write a second history row; with time-ordered ids it now grows at its right edge) and
-- (conversion_id), which conversion show reads the history by.

ALTER TABLE "postback_log" RENAME TO "postback_log_legacy";
ALTER INDEX "postback_log_transaction_id_idx" RENAME TO "postback_log_legacy_transaction_id_idx";
ALTER INDEX "postback_log_endpoint_id_received_at_idx" RENAME TO "postback_log_legacy_endpoint_id_received_at_idx";
-- Kept on this partition alone: a lookup of an old random (v4) id, which says nothing of its day, reads it there.
ALTER TABLE "postback_log_legacy" RENAME CONSTRAINT "postback_log_pkey" TO "postback_log_legacy_pkey";
-- The new primary key serves what the first did; the second is rebuilt, partial, on the parent. Dropping an
-- index does not read the table.
DROP INDEX IF EXISTS "postback_log_received_at_postback_id_idx";
DROP INDEX IF EXISTS "postback_log_outcome_received_at_postback_id_idx";

CREATE TABLE "postback_log" (
    "postback_id" UUID NOT NULL,
    "endpoint_id" INTEGER NOT NULL,
    "transaction_id" VARCHAR(128) NOT NULL,
    "reason" VARCHAR(255) NOT NULL,
    "seq" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "postback_outcome" NOT NULL,
    "attempts" INTEGER NOT NULL,

    CONSTRAINT "postback_log_pkey" PRIMARY KEY ("received_at", "postback_id")
) PARTITION BY RANGE ("received_at");

-- Created on the parent before the legacy partition is attached, so that ATTACH adopts its matching indexes.
CREATE INDEX "postback_log_transaction_id_idx" ON "postback_log"("transaction_id");
CREATE INDEX "postback_log_endpoint_id_received_at_idx" ON "postback_log"("endpoint_id", "received_at");
CREATE INDEX "postback_log_outcome_received_at_postback_id_idx" ON "postback_log"("outcome", "received_at", "postback_id")
    WHERE "outcome" <> 'rejected';

CREATE TABLE "postback_log_default" PARTITION OF "postback_log" DEFAULT;

DO $$
DECLARE
    bound timestamptz;
    validated boolean;
    day timestamptz;
BEGIN
    -- T: the operator's prebuilt CHECK says it; otherwise the start of the UTC day after tomorrow.
    SELECT (regexp_match(pg_get_constraintdef(oid), '''([^'']+)''::timestamp with time zone'))[1]::timestamptz, convalidated
      INTO bound, validated
      FROM pg_constraint
     WHERE conrelid = '"postback_log_legacy"'::regclass AND conname = 'postback_log_legacy_received_at_check';
    IF bound IS NULL THEN
        bound := date_trunc('day', now(), 'UTC') + interval '48 hours';
        EXECUTE format('ALTER TABLE "postback_log_legacy" ADD CONSTRAINT "postback_log_legacy_received_at_check" CHECK ("received_at" < %L)', bound);
    ELSIF bound <> date_trunc('day', bound, 'UTC') THEN
        RAISE EXCEPTION 'postback_log_legacy_received_at_check: its bound % is not a UTC midnight', bound;
    ELSIF NOT validated THEN
        ALTER TABLE "postback_log_legacy" VALIDATE CONSTRAINT "postback_log_legacy_received_at_check";
    END IF;

    -- What CREATE INDEX CONCURRENTLY left invalid cannot be adopted.
    IF EXISTS (SELECT 1 FROM pg_index WHERE NOT indisvalid AND indexrelid IN (
                   to_regclass('"postback_log_legacy_received_at_postback_id_key"'),
                   to_regclass('"postback_log_legacy_outcome_received_at_postback_id_idx"'))) THEN
        RAISE EXCEPTION 'an index prebuilt for postback_log_partitioned is invalid: drop it and build it again';
    END IF;
    CREATE UNIQUE INDEX IF NOT EXISTS "postback_log_legacy_received_at_postback_id_key"
        ON "postback_log_legacy" ("received_at", "postback_id");
    CREATE INDEX IF NOT EXISTS "postback_log_legacy_outcome_received_at_postback_id_idx"
        ON "postback_log_legacy" ("outcome", "received_at", "postback_id") WHERE "outcome" <> 'rejected';
    -- The primary key adopts an index only through a constraint of the partition's own (no scan: the index is unique).
    ALTER TABLE "postback_log_legacy" ADD CONSTRAINT "postback_log_legacy_received_at_postback_id_key"
        UNIQUE USING INDEX "postback_log_legacy_received_at_postback_id_key";

    EXECUTE format('ALTER TABLE "postback_log" ATTACH PARTITION "postback_log_legacy" FOR VALUES FROM (MINVALUE) TO (%L)', bound);
    -- The partition bound holds it from now on.
    ALTER TABLE "postback_log_legacy" DROP CONSTRAINT "postback_log_legacy_received_at_check";

    -- A week of days from T; the worker's maintenance keeps POSTBACK_LOG_PARTITIONS_AHEAD_DAYS ahead from then on.
    FOR i IN 0..6 LOOP
        day := bound + make_interval(hours => 24 * i);
        EXECUTE format('CREATE TABLE %I PARTITION OF "postback_log" FOR VALUES FROM (%L) TO (%L)',
                       'postback_log_p' || to_char(day AT TIME ZONE 'UTC', 'YYYYMMDD'), day, day + interval '24 hours');
    END LOOP;
END
$$;

-- Plans (PostgreSQL 15, default settings; 3,000,000 rows over 30 day partitions, 100,000 a day; outcomes 80 %
-- rejected, 10 % unchanged, 5 % not_found, 3 % superseded, 2 % out_of_scope, 0.01 % revoked; EXPLAIN ANALYZE, warm):
--
-- Log search, newest first, no filter: ORDER BY received_at DESC, postback_id DESC LIMIT 101
--   Limit -> Merge Append -> Index Scan Backward using postback_log_pYYYYMMDD_pkey (one per partition)   1.5 ms
--   (Merge Append, not an ordered Append: the default partition may hold any day.)
-- Search by outcome = 'revoked', without the outcome index:
--   Limit -> Gather Merge -> Sort -> Parallel Append -> Parallel Seq Scan (every partition)            451 ms
--   37,000 buffers read; it grows with the table: the outcome index pays for the rare outcomes.
-- Search by outcome = 'revoked', partial outcome index:
--   Limit -> Merge Append -> Index Scan Backward using …_outcome_received_at_postback_id_idx
--            Index Cond: (outcome = 'revoked')                                                          2.0 ms
-- Search by outcome = 'not_found', partial outcome index: the same plan                                 1.9 ms
-- Search by outcome = 'rejected': the partial index cannot serve it, the primary key does:
--   Limit -> Merge Append -> Index Scan Backward using …_pkey, Filter: (outcome = 'rejected')           1.5 ms
-- Outcome index sizes over the 30 partitions: full 143 MB, partial 29 MB (primary key 117 MB).
-- Search by endpoint_id = 7:
--   Limit -> Incremental Sort -> Merge Append -> Index Scan Backward using …_endpoint_id_received_at_idx  2.5 ms
-- Search by transaction_id:
--   Limit -> Sort -> Append -> Index Scan using …_transaction_id_idx (every partition)                  0.7 ms
-- Console's last use of a URL: SELECT max(received_at) FROM postback_log WHERE endpoint_id = 7
--   InitPlan -> Limit -> Merge Append -> Index Only Scan Backward using …_endpoint_id_received_at_idx    5.3 ms
-- Worker's idempotency read, 500 postbacks of one day (received_at BETWEEN min AND max AND (received_at,
-- postback_id) IN (SELECT * FROM unnest(…))):
--   Hash Join -> Index Scan using postback_log_p20261130_pkey (one partition; the others pruned at planning)
--                Index Cond: (received_at >= min AND received_at <= max)                               0.7 ms
-- Lookup by a time-ordered id (received_at BETWEEN minted - 1 h AND minted + 5 min AND postback_id = …):
--   Append (Subplans Removed: 38) -> Index Scan using …_pkey on two day partitions                       0.3 ms
-- The same lookup without the window (what an old random id would cost if every partition were searched):
--   Gather -> Parallel Append -> Seq Scan (every partition)                                            250 ms
