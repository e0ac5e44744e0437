import { Gauge, type Registry } from 'prom-client';
import type { AdminDeps } from './wiring/adminDeps.js';

// Scrapes closer together than this share one reading: Prometheus servers in HA pairs, or a dashboard refreshing
// every second, cost Redis one round of counts per interval, not one per scrape.
const CACHE_MS = 1000;
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

interface QueueReading {
  counts: { main: Record<string, number>; dead_letter: Record<string, number> };
  /** Epoch ms when the job at the head of the waiting list was added; undefined when nothing waits. */
  oldestWaitingSince: number | undefined;
}

/**
 * Queue depths of both queues and the age of the oldest waiting job, read from Redis when Prometheus scrapes
 * (BullMQ's getJobCounts; the oldest job's id and its timestamp field, not its data). While Redis is unreachable
 * the depth series are absent and postback_queue_stats_up is 0.
 */
export function registerQueueMetrics(registry: Registry, deps: Pick<AdminDeps, 'queue' | 'deadLetters' | 'withRedis'>): void {
  let cached: { at: number; reading: Promise<QueueReading | undefined> } | undefined;
  const read = (): Promise<QueueReading | undefined> => {
    if (!cached || Date.now() - cached.at >= CACHE_MS) {
      cached = { at: Date.now(), reading: deps.withRedis(() => readQueues(deps)).catch(() => undefined) };
    }
    return cached.reading;
  };

  new Gauge({
    name: 'postback_queue_jobs',
    help: 'Jobs (not postbacks: a main-queue job carries up to 500) in each state of the postback queue (main) and of the dead-letter queue (dead_letter)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      if (!reading) return;
      for (const queue of ['main', 'dead_letter'] as const) {
        for (const state of STATES) this.set({ queue, state }, reading.counts[queue][state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'postback_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting in the postback queue (0 when none waits)',
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      if (!reading) return;
      const since = reading.oldestWaitingSince;
      this.set(since === undefined ? 0 : Math.max(0, Date.now() - since) / 1000);
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

async function readQueues(deps: Pick<AdminDeps, 'queue' | 'deadLetters'>): Promise<QueueReading> {
  const [main, deadLetter, oldestWaitingSince] = await Promise.all([
    deps.queue.getJobCounts(...STATES),
    deps.deadLetters.getJobCounts(...STATES),
    oldestWaiting(deps.queue),
  ]);
  return { counts: { main, dead_letter: deadLetter }, oldestWaitingSince };
}

// The waiting list's tail is the next job a worker takes: the oldest. Only its timestamp is read, not its
// (up to 500-postback) data.
async function oldestWaiting(queue: AdminDeps['queue']): Promise<number | undefined> {
  const [id] = await queue.getRanges(['waiting'], 0, 0, true);
  if (id === undefined) return undefined;
  const client = await queue.getBackend().client;
  const timestamp = await client.hget(queue.toKey(id), 'timestamp');
  return timestamp === null ? undefined : Number(timestamp);
}
