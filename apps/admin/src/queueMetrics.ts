import { Gauge, type Registry } from 'prom-client';
import type { PostbackQueue } from '@postback/core';
import type { AdminDeps } from './wiring/adminDeps.js';

// Scrapes closer together than this share one reading: Prometheus servers in HA pairs, or a dashboard refreshing
// every second, cost Redis one round of counts per interval, not one per scrape.
const CACHE_MS = 1000;
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

type Counts = Record<string, number>;

interface Reading {
  shards: ShardReading[];
  /** The affiliate notifications' delivery queue (main) and its dead-letter queue (dead_letter). */
  deliveries: { main: Counts; dead_letter: Counts };
}

interface ShardReading {
  shard: string;
  counts: { main: Counts; dead_letter: Counts };
  /** Epoch ms when the job at the head of the waiting list was added; undefined when nothing waits. */
  oldestWaitingSince: number | undefined;
}

/**
 * Queue depths of every shard's queue and dead-letter queue, and the age of each shard's oldest waiting job, read
 * from Redis when Prometheus scrapes (BullMQ's getJobCounts; the oldest job's id and its timestamp field, not its
 * data), for every shard that may hold postbacks (this process's layout's and every announced layout's), each
 * series labelled with its shard; and the depths of the affiliate notifications' delivery queue and its dead-letter
 * queue, a family of their own (postback_delivery_queue_jobs: a delivery job is one notification, not a batch of
 * postbacks, and the postback alerts and dashboard sum postback_queue_jobs by shard). While Redis is unreachable
 * the depth series are absent and postback_queue_stats_up is 0.
 */
export function registerQueueMetrics(registry: Registry, deps: Pick<AdminDeps, 'shards' | 'deliveryQueues' | 'withRedis'>): void {
  let cached: { at: number; reading: Promise<Reading | undefined> } | undefined;
  const read = (): Promise<Reading | undefined> => {
    if (!cached || Date.now() - cached.at >= CACHE_MS) {
      const reading = deps.withRedis(async (): Promise<Reading> => {
        const [shards, deliveries] = await Promise.all([readShards(deps), readDeliveries(deps)]);
        return { shards, deliveries };
      });
      cached = { at: Date.now(), reading: reading.catch(() => undefined) };
    }
    return cached.reading;
  };

  new Gauge({
    name: 'postback_queue_jobs',
    help: 'Jobs (not postbacks: a main-queue job carries up to 500) in each state of each shard\'s postback queue (main) and dead-letter queue (dead_letter)',
    labelNames: ['queue', 'state', 'shard'] as const,
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      for (const { shard, counts } of reading?.shards ?? []) {
        for (const queue of ['main', 'dead_letter'] as const) {
          for (const state of STATES) this.set({ queue, state, shard }, counts[queue][state] ?? 0);
        }
      }
    },
  });
  new Gauge({
    name: 'postback_queue_oldest_waiting_age_seconds',
    help: "Age of the oldest job waiting in each shard's postback queue (0 when none waits)",
    labelNames: ['shard'] as const,
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      for (const { shard, oldestWaitingSince: since } of reading?.shards ?? []) {
        this.set({ shard }, since === undefined ? 0 : Math.max(0, Date.now() - since) / 1000);
      }
    },
  });
  new Gauge({
    name: 'postback_delivery_queue_jobs',
    help: "Affiliate and alert notifications (one per job) in each state of the delivery queue (main) and its dead-letter queue (dead_letter)",
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      if (!reading) return;
      for (const queue of ['main', 'dead_letter'] as const) {
        for (const state of STATES) this.set({ queue, state }, reading.deliveries[queue][state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'postback_queue_stats_up',
    help: '1 when the queue depths could be read from Redis at the last scrape, else 0',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}

async function readShards(deps: Pick<AdminDeps, 'shards'>): Promise<ShardReading[]> {
  const tags = await deps.shards.known();
  return Promise.all(
    tags.map(async (shard) => {
      const { queue, deadLetters } = deps.shards.shard(shard);
      const [main, deadLetter, oldestWaitingSince] = await Promise.all([
        queue.getJobCounts(...STATES),
        deadLetters.getJobCounts(...STATES),
        oldestWaiting(queue),
      ]);
      return { shard, counts: { main, dead_letter: deadLetter }, oldestWaitingSince };
    }),
  );
}

async function readDeliveries(deps: Pick<AdminDeps, 'deliveryQueues'>): Promise<Reading['deliveries']> {
  const { queue, deadLetters } = deps.deliveryQueues;
  const [main, deadLetter] = await Promise.all([queue.getJobCounts(...STATES), deadLetters.getJobCounts(...STATES)]);
  return { main, dead_letter: deadLetter };
}

// The waiting list's tail is the next job a worker takes: the oldest. Only its timestamp is read, not its
// (up to 500-postback) data.
async function oldestWaiting(queue: PostbackQueue): Promise<number | undefined> {
  const [id] = await queue.getRanges(['waiting'], 0, 0, true);
  if (id === undefined) return undefined;
  const client = await queue.getBackend().client;
  const timestamp = await client.hget(queue.toKey(id), 'timestamp');
  return timestamp === null ? undefined : Number(timestamp);
}
