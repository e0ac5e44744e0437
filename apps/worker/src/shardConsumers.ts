import type { Worker } from 'bullmq';
import type { RedisConnection } from '@postback/core';
import type { Config, Logger, PostbackJob, PostbackShards } from '@postback/core';
import type { Backlog } from './backlog.js';
import type { WorkerMetrics } from './metrics.js';
import { concurrencyPerShard } from './concurrencyPerShard.js';
import type { PostbackApplier } from './postbackApplier.js';
import { createPostbackWorker, type JobResult } from './postbackWorker.js';

export interface ShardConsumersDeps {
  cfg: Pick<Config, 'WORKER_CONCURRENCY' | 'STORE_OUTAGE_PAUSE_MS'>;
  shards: PostbackShards;
  connection: RedisConnection;
  applier: PostbackApplier;
  backlog?: Backlog;
  logger: Logger;
  metrics: WorkerMetrics;
}

/**
 * One BullMQ worker per shard this process consumes, all feeding the process's one applier. `consume` is handed
 * every shard that may hold postbacks (this process's layout and every announced one): it starts workers for new
 * ones and stops those of shards no longer among them (a layout forgotten once it was drained).
 */
export class ShardConsumers {
  private readonly workers = new Map<string, Worker<PostbackJob, JobResult>>();
  private closed = false;

  constructor(private readonly deps: ShardConsumersDeps) {}

  /** Consumes exactly these shards from now on; the new ones' workers exist when this returns (before it resolves). */
  async consume(tags: readonly string[]): Promise<void> {
    const { cfg, logger } = this.deps;
    // A layout read that finishes after close() starts nothing.
    if (this.closed) return;
    const concurrency = concurrencyPerShard(cfg.WORKER_CONCURRENCY, tags.length);
    const gone = [...this.workers.keys()].filter((tag) => !tags.includes(tag));
    for (const tag of tags) {
      const running = this.workers.get(tag);
      if (running) {
        running.concurrency = concurrency;
        continue;
      }
      this.workers.set(tag, this.start(tag, concurrency));
      logger.info({ shard: tag, concurrency }, 'consuming shard');
    }
    for (const tag of gone) {
      const worker = this.workers.get(tag)!;
      this.workers.delete(tag);
      logger.info({ shard: tag }, 'shard forgotten: no longer consumed');
      await worker.close();
    }
  }

  private start(tag: string, concurrency: number): Worker<PostbackJob, JobResult> {
    const { cfg, shards, connection, applier, backlog, logger, metrics } = this.deps;
    metrics.shardConsumed(tag);
    return createPostbackWorker({ cfg, connection, shard: shards.shard(tag), concurrency, store: shards, applier, backlog, logger, metrics });
  }

  /** The shards consumed now. */
  tags(): string[] {
    return [...this.workers.keys()];
  }

  /** The worker of each shard consumed now. */
  all(): Array<Worker<PostbackJob, JobResult>> {
    return [...this.workers.values()];
  }

  /** The jobs waiting in the queues of the shards consumed now (one read per shard). */
  async waitingJobs(): Promise<number> {
    const counts = await Promise.all(this.tags().map((tag) => this.deps.shards.shard(tag).queue.getWaitingCount()));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Per shard: whether its worker takes jobs (running, and Redis connected). */
  consuming(): Map<string, boolean> {
    const connected = this.deps.connection.status === 'ready';
    return new Map([...this.workers].map(([tag, worker]) => [tag, connected && worker.isRunning()]));
  }

  /** Lets every shard's active jobs finish, then stops. */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.all();
    this.workers.clear();
    await Promise.all(all.map((worker) => worker.close()));
  }
}
