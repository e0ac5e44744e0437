-- The rejection log's advertiser and offer filters (issue 13), newest first with the keyset order of the search
-- (apps/admin/src/services/postbackLogSearch.ts: ORDER BY received_at DESC, postback_id DESC LIMIT n+1) and of the
-- CSV export. The other filters already have theirs: endpoint_id (endpoint_id, received_at), transaction_id
-- (transaction_id), a rare outcome the partial (outcome, received_at, postback_id), no filter or a time range the
-- primary key (received_at, postback_id).
--
-- Why they pay. Without them, the planner walks every day partition backwards on the primary key and filters: the
-- page costs as many rows as were received since the advertiser's (or offer's) 101st newest match, so a small
-- advertiser, or one that went quiet days ago, reads the whole log for one page — at 90 days of a million postbacks
-- a day, tens of seconds and every page of the log through the buffer cache, on the replica that also serves the
-- console. With them, each partition's index answers its newest matches at once, whatever the history. What they
-- cost: two more index entries per postback written. Measured here (500,000 log rows over 5 days, 200 advertisers
-- skewed so that one has a sixth of the rows, 2,000 offers, one advertiser and one offer with 20 rows on the oldest
-- day; default settings): a 200,000-row INSERT … SELECT into one day took 2.5-4.4 s without and 4.4-8.5 s with the
-- two indexes (four runs each, alternating, on a machine shared with other work): index upkeep on the log's insert
-- grows by about two thirds. In the worker's batch the log insert is one statement of several (the conversion's
-- update, the history row), and every day has its own small index, so the growth ratio should not move; the drain
-- against the SQL floor is what to watch in npm run bench.
--
--   filter (first page, 101 rows)                 without        with
--   advertiser_id = 500 (20 rows, oldest day)     247 ms         0.6 ms
--   advertiser_id = 198 (801 rows)                 44 ms         1.3 ms
--   advertiser_id = 1 (85,287 rows)               0.6 ms         0.8 ms  (primary key, either way)
--   offer_id = 5000 (20 rows, oldest day)         116 ms         0.4 ms
--   offer_id = 1980 (about 70 rows)               115 ms         5.1 ms
--   offer_id = 1980, next page (keyset cursor)     93 ms         0.5 ms
--   outcome = rejected AND advertiser_id = 198     86 ms         1.5 ms
--
-- Plan for advertiser_id = 500 without (each day's primary key walked whole, 13,176 buffers):
--   Limit (actual time=245.786..246.938 rows=20)
--     -> Merge Append  Sort Key: received_at DESC, postback_id DESC
--          -> Index Scan Backward using postback_log_p20261203_pkey on postback_log_p20261203
--               Filter: (advertiser_id = 500)  Rows Removed by Filter: 99999
--          -> Index Scan Backward using postback_log_p20261204_pkey on postback_log_p20261204
--               Filter: (advertiser_id = 500)  Rows Removed by Filter: 100000
--          … the same for every day …
--   Execution Time: 247.169 ms
-- with (29 buffers):
--   Limit (actual time=0.413..0.417 rows=20)
--     -> Incremental Sort  Sort Key: received_at DESC, postback_id DESC  Presorted Key: received_at
--          -> Merge Append  Sort Key: received_at DESC
--               -> Index Scan Backward using postback_log_p20261203_advertiser_id_received_at_idx on postback_log_p20261203
--                    Index Cond: (advertiser_id = 500)
--               -> Index Scan Backward using postback_log_p20261204_advertiser_id_received_at_idx on postback_log_p20261204
--                    Index Cond: (advertiser_id = 500)
--               … the same for every day …
--   Execution Time: 0.637 ms
-- (received_at, not received_at and postback_id: the incremental sort orders the few rows of one instant, and the
-- index stays 16 bytes an entry smaller.) A filter on a later page adds the cursor's bound to the Index Cond
-- (advertiser_id = 198 AND received_at <= cursor): 0.8 ms. The offer's plans are the same with offer_id.
--
-- On a large live postback_log. The migrator runs this in one transaction, and CREATE INDEX on the partitioned
-- table builds the index of every partition under a SHARE lock that blocks the workers' inserts until it commits
-- (about two seconds per million rows here). Postgres has no CREATE INDEX CONCURRENTLY on a partitioned table: build
-- it beforehand partition by partition, under these names (the migration's IF NOT EXISTS then skips them), as the
-- README says (Operations, Migrations):
--
--   CREATE INDEX IF NOT EXISTS "postback_log_advertiser_id_received_at_idx"
--     ON ONLY "postback_log" ("advertiser_id", "received_at");     -- invalid until every partition has its own
--   -- for each partition P of: SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'postback_log'::regclass
--   CREATE INDEX CONCURRENTLY "P_advertiser_id_received_at_idx" ON P ("advertiser_id", "received_at");
--   ALTER INDEX "postback_log_advertiser_id_received_at_idx" ATTACH PARTITION "P_advertiser_id_received_at_idx";
--   -- the same for offer_id; a partition made meanwhile gets its index when it is attached
--
-- The parent's index becomes valid once the last partition's is attached; one still invalid stops the migration
-- below rather than leave the filter unindexed: finish the partitions (a CONCURRENTLY build that failed left an
-- invalid index on its partition: drop it and build it again).

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_index WHERE NOT indisvalid AND indexrelid IN (
                   to_regclass('"postback_log_advertiser_id_received_at_idx"'),
                   to_regclass('"postback_log_offer_id_received_at_idx"'))) THEN
        RAISE EXCEPTION 'an index prebuilt for postback_log_console_indexes is invalid: attach an index of every partition to it (README, Operations, Migrations)';
    END IF;
END $$;

-- CreateIndex
CREATE INDEX IF NOT EXISTS "postback_log_advertiser_id_received_at_idx" ON "postback_log"("advertiser_id", "received_at");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "postback_log_offer_id_received_at_idx" ON "postback_log"("offer_id", "received_at");
