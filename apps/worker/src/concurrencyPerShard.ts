/**
 * WORKER_CONCURRENCY is the process's: shared out evenly over the shards it consumes, at least one job each. Not
 * that many per shard: the jobs in flight would grow with the shards (each up to 500 postbacks in memory) while the
 * process still applies them through one batcher, WORKER_BATCHES_IN_FLIGHT transactions at a time, so more jobs
 * would only wait there longer. Evenly, because the hash spreads a layout's postbacks evenly over its shards. While
 * an old layout is drained its empty shards leave their share idle, and the busy ones have a little less for that
 * while.
 */
export function concurrencyPerShard(processConcurrency: number, shards: number): number {
  return Math.max(1, Math.ceil(processConcurrency / Math.max(1, shards)));
}
