import type { RedisConnection } from './redis.js';
import { Queue } from 'bullmq';
import type { Config } from './config.js';
import { ReplicationTimeoutError } from './errors/index.js';
import { JobMoveLock, type DeadLetterData, type DeadLetterPair } from './deadLetter/index.js';
import { markReplayed, type PostbackJob } from './postbackJob.js';
import { NO_REPLICA_WAIT, waitForReplicas, writeTarget, type ReplicaPolicy, type WriteTarget } from './replicatedWrite.js';
import { queueCatalog, shardTagsOf, type DeadLetterQueue, type PostbackQueue, type QueueCatalog } from './queueCatalog.js';
import { ShardLayouts } from './shardLayouts.js';

export type PostbackDeadLetterPair = DeadLetterPair<PostbackJob>;

/** One shard of the postback queue: its hash tag, its queue and dead-letter queue, and the two as a dead-letter pair. */
export interface PostbackShard {
  tag: string;
  queue: PostbackQueue;
  deadLetters: DeadLetterQueue;
  pair: PostbackDeadLetterPair;
}

/** A postback job to store: back on its own shard when it has one (a replay, a split-off), else on its transaction's. */
export interface JobToStore {
  jobId: string;
  data: PostbackJob;
  /** The shard it was taken from; absent for a new job, whose postbacks (all of one shard: see packJobs) pick it. */
  ownShard?: string;
}

type ShardsConfig = Pick<Config, 'QUEUE_PREFIX' | 'QUEUE_SHARDS' | 'QUEUE_NAME' | 'DEAD_LETTER_QUEUE_NAME' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;

/**
 * The postback queue's shards as one process uses them, and `store`, the one way every postback job reaches Redis
 * (the receiver's turns, a worker's split-offs, dead-letter replays): it picks each job's shard and stores it there.
 * Queues are opened on first use, for any shard: this process's own, or one of another layout that it consumes,
 * lists or replays to.
 */
export class PostbackShards {
  readonly catalog: QueueCatalog;
  readonly layouts: ShardLayouts;
  private readonly opened = new Map<string, PostbackShard>();
  private readonly lock: JobMoveLock;
  private readonly onQueueError: (err: Error) => void;
  private readonly replicas: ReplicaPolicy;
  private readonly onReplicaWait: (seconds: number, confirmed: boolean) => void;

  constructor(
    cfg: ShardsConfig,
    private readonly redis: RedisConnection,
    options: {
      role: string;
      onQueueError?: (err: Error) => void;
      /**
       * The replicas a stored job (and a dead-letter delete) must reach before store() reports it stored
       * (ACK_REPLICAS): given by the processes whose success answers stand behind it (receiver, admin); a worker's
       * split-offs acknowledge nothing and give none.
       */
      replicas?: ReplicaPolicy;
      /** Told how long each WAIT took and whether the replicas confirmed in time (metrics). */
      onReplicaWait?: (seconds: number, confirmed: boolean) => void;
    },
  ) {
    this.catalog = queueCatalog(cfg);
    this.layouts = new ShardLayouts(redis, this.catalog.control, cfg.QUEUE_SHARDS, options.role);
    // One lock for every shard, in the control slot: a job id is one job wherever it is (ids are UUIDs).
    this.lock = new JobMoveLock(redis, this.catalog.control);
    this.onQueueError = options.onQueueError ?? (() => undefined);
    this.replicas = options.replicas ?? NO_REPLICA_WAIT;
    this.onReplicaWait = options.onReplicaWait ?? (() => undefined);
  }

  /**
   * The connection a write to `slotKey` is about to go over, when stored jobs must reach replicas: taken before that
   * write, then handed to store() so its WAIT covers it too (the receiver's admission: the receipt sequence must not
   * go backwards after a failover any more than a job may vanish). Undefined when no replica is asked for.
   */
  confirmTarget(slotKey: string): WriteTarget | undefined {
    return this.replicas.replicas > 0 ? writeTarget(this.redis, slotKey) : undefined;
  }

  /** The queues of the shard with this tag. */
  shard(tag: string): PostbackShard {
    let shard = this.opened.get(tag);
    if (!shard) {
      const { queueName, deadLetterName, jobName, schema, options } = this.catalog.postback;
      const queue = new Queue<PostbackJob>(queueName, { connection: this.redis, prefix: tag });
      const deadLetters = new Queue<DeadLetterData>(deadLetterName, { connection: this.redis, prefix: tag });
      for (const q of [queue, deadLetters]) q.on('error', this.onQueueError);
      const pair: PostbackDeadLetterPair = {
        source: queue,
        deadLetters,
        kind: { name: jobName, schema, options },
        lock: this.lock,
        replication: { connection: this.redis, policy: this.replicas },
        // Marked as replayed: the worker's log rows say source 'replay' (a field of the data, so no extra lookup).
        requeue: async (jobId, data) => {
          const [stored] = await this.store([{ jobId, data: markReplayed(data) as PostbackJob, ownShard: tag }]);
          if (stored!.status === 'rejected') throw stored!.reason;
        },
      };
      shard = { tag, queue, deadLetters, pair };
      this.opened.set(tag, shard);
    }
    return shard;
  }

  /** The shard a transaction's postbacks go to under this process's layout. */
  readonly shardOf = (transactionId: string): string => this.catalog.shardOf(transactionId);

  /**
   * Every shard that may hold postbacks: this process's and every announced layout's (a layout being drained after
   * QUEUE_SHARDS changed), without repeats, in layout order.
   */
  async known(): Promise<string[]> {
    const layouts = new Set([this.catalog.shards, ...(await this.layouts.all())]);
    return [...new Set([...layouts].flatMap((n) => shardTagsOf(this.catalog.control, n)))];
  }

  /**
   * Stores jobs, each on its shard (its own, or its transaction's under this process's layout, once the layout is
   * announced): one add per shard, the shards concurrently, and with ACK_REPLICAS one WAIT per shard after its add
   * (covering `alsoConfirm`, writes the caller made before, on the same node it is one WAIT in all). Resolves with
   * each job's fate, in order: a shard that could not take its jobs, or whose replicas did not confirm them in time,
   * fails those only.
   */
  async store(jobs: readonly JobToStore[], alsoConfirm: readonly WriteTarget[] = []): Promise<Array<PromiseSettledResult<void>>> {
    const byShard = new Map<string, { picked: boolean; indexes: number[] }>();
    jobs.forEach((job, i) => {
      const tag = job.ownShard ?? this.shardOf(transactionOf(job.data));
      const group = byShard.get(tag) ?? { picked: false, indexes: [] };
      group.picked ||= job.ownShard === undefined;
      group.indexes.push(i);
      byShard.set(tag, group);
    });
    const fates: Array<PromiseSettledResult<void>> = new Array(jobs.length);
    await Promise.all(
      [...byShard].map(async ([tag, { picked, indexes }]) => {
        let fate: PromiseSettledResult<void>;
        try {
          // Nothing lands on a shard of this process's layout before the layout is announced: workers would not know it.
          if (picked) await this.layouts.announced();
          const queue = this.shard(tag).queue;
          const target = this.confirmTarget(queue.toKey('id'));
          await this.add(queue, indexes.map((i) => jobs[i]!));
          if (target) await this.awaitReplicas([target, ...alsoConfirm]);
          fate = { status: 'fulfilled', value: undefined };
        } catch (reason) {
          fate = { status: 'rejected', reason };
        }
        for (const i of indexes) fates[i] = fate;
      }),
    );
    return fates;
  }

  private async awaitReplicas(targets: WriteTarget[]): Promise<void> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      await waitForReplicas(targets, this.replicas.replicas, this.replicas.timeoutMs);
      this.onReplicaWait(seconds(), true);
    } catch (err) {
      // A connection error is the queue being unavailable; only a shortfall is a replication timeout.
      if (err instanceof ReplicationTimeoutError) this.onReplicaWait(seconds(), false);
      throw err;
    }
  }

  private async add(queue: PostbackQueue, jobs: JobToStore[]): Promise<void> {
    const { jobName, options } = this.catalog.postback;
    // add() for the usual single job: addBulk() builds an ioredis pipeline, which copies every script BullMQ
    // defines onto itself, costing more than the add.
    if (jobs.length === 1) {
      await queue.add(jobName, jobs[0]!.data, options(jobs[0]!.jobId));
      return;
    }
    await queue.addBulk(jobs.map(({ jobId, data }) => ({ name: jobName, data, opts: options(jobId) })));
  }

  /** Closes every queue opened (not the Redis connection, which is the caller's). */
  async close(): Promise<void> {
    await Promise.all([...this.opened.values()].flatMap((s) => [s.queue.close(), s.deadLetters.close()]));
  }
}

function transactionOf(job: PostbackJob): string {
  return job.v === 2 ? job.postbacks[0]!.transactionId : job.transactionId;
}
