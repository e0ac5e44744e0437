-- The dead-letter queue a replay replays (BullMQ's qualified name, prefix included), now that there will be more
-- than one (sharded postback queues, outbound deliveries). Nullable: replays recorded before this column existed
-- say nothing about it (they all replayed the one dead-letter queue there was). Adding a nullable column without a
-- default only changes the catalog, so it takes no time on a large table.
ALTER TABLE "dlq_replays" ADD COLUMN "queue" VARCHAR(200);
