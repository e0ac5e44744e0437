import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOMES, type Outcome } from '@postback/core';

// From a healthy pipeline's milliseconds to a backlog of hours.
const RECEIPT_TO_APPLIED_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];

export type RetryKind = 'attempt' | 'split_off';
/** What became of one delivery attempt of a notification, or of a notification skipped without one. */
export type DeliveryMetricResult = 'delivered' | 'retrying' | 'failed' | 'skipped';
// One attempt to an affiliate: from a fast local receiver's milliseconds to DELIVERY_TIMEOUT_MS's maximum.
const DELIVERY_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
export type DatabaseErrorKind = 'unreachable' | 'other';

export interface WorkerMetrics {
  registry: Registry;
  /** One applied batch: each postback's outcome, the time since the receiver accepted it, and its shard. */
  applied: (postbacks: ReadonlyArray<{ receivedAt: number; outcome: Outcome; shard: string }>) => void;
  /** A failed attempt that BullMQ will retry, or postbacks split off a batch job into jobs of their own. */
  retried: (shard: string, kind: RetryKind, count?: number) => void;
  /** A batch (or a single postback) that Postgres failed: unreachable, or any other error. */
  databaseError: (kind: DatabaseErrorKind) => void;
  deadLettered: (shard: string) => void;
  /** A shard this worker now consumes: its series start at 0, so rates and alerts see a 0 rather than no data. */
  shardConsumed: (shard: string) => void;
  /**
   * What the consuming gauge reports on each scrape, per shard this worker consumes (the alert "a shard without a
   * consumer" reads it).
   */
  consumingWhile: (check: () => ReadonlyMap<string, boolean>) => void;
  /** What the backlog gauges report on each scrape: postbacks yet to apply, and whether deliveries give way to them. */
  backlogWhile: (check: () => { postbacks: number; draining: boolean }) => void;
  /** A notification's delivery attempt (with its duration, from send to answer) or its skip, by destination host. */
  delivery: (result: DeliveryMetricResult, destination: string, seconds?: number) => void;
}

/** The worker's metrics, in a registry of its own (main.ts serves it on WORKER_METRICS_PORT). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  const postbacks = new Counter({
    name: 'postback_worker_postbacks_total',
    help: 'Postbacks applied to Postgres, by outcome (as recorded in postback_log) and shard',
    labelNames: ['outcome', 'shard'] as const,
    registers: [registry],
  });
  const receiptToApplied = new Histogram({
    name: 'postback_worker_receipt_to_applied_seconds',
    help: 'Time from the receiver accepting a postback to its batch being committed in Postgres, by shard',
    labelNames: ['shard'] as const,
    buckets: RECEIPT_TO_APPLIED_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'postback_worker_retries_total',
    help: 'Failed attempts that will be retried (attempt), and postbacks split off a batch job to retry alone (split_off), by shard',
    labelNames: ['kind', 'shard'] as const,
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'postback_worker_database_errors_total',
    // No shard label: a batch gathers the postbacks of every shard this worker consumes.
    help: 'Failed batch transactions: Postgres unreachable, or any other error',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'postback_worker_dead_lettered_total',
    help: "Jobs this worker moved to their shard's dead-letter queue",
    labelNames: ['shard'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'postback_deliveries_total',
    help: 'Delivery attempts of affiliate and alert notifications by result (delivered, retrying, failed), and notifications skipped, by destination host',
    labelNames: ['result', 'destination'] as const,
    registers: [registry],
  });
  const deliveryDuration = new Histogram({
    name: 'postback_delivery_duration_seconds',
    help: 'Time of one delivery attempt, from sending the request to its answer (or its error), by result',
    labelNames: ['result'] as const,
    buckets: DELIVERY_DURATION_BUCKETS,
    registers: [registry],
  });
  // One child per shard, looked up once: labelling each observation would hash its labels every time.
  const latencies = new Map<string, ReturnType<typeof receiptToApplied.labels>>();
  const latencyOf = (shard: string) => {
    let child = latencies.get(shard);
    if (!child) latencies.set(shard, (child = receiptToApplied.labels({ shard })));
    return child;
  };
  let consuming: () => ReadonlyMap<string, boolean> = () => new Map();
  new Gauge({
    name: 'postback_worker_consuming',
    help: "1 while this worker takes jobs from the shard's queue (running and connected to Redis), else 0",
    labelNames: ['shard'] as const,
    registers: [registry],
    collect() {
      // Only the shards consumed now: a shard of a layout forgotten since is no longer this worker's.
      this.reset();
      for (const [shard, up] of consuming()) this.set({ shard }, up ? 1 : 0);
    },
  });
  let backlog: () => { postbacks: number; draining: boolean } = () => ({ postbacks: 0, draining: false });
  new Gauge({
    name: 'postback_worker_backlog_postbacks',
    help: 'Postbacks this worker has yet to apply: held by its running jobs, plus the jobs waiting in its shards (at their mean size)',
    registers: [registry],
    collect() {
      this.set(backlog().postbacks);
    },
  });
  new Gauge({
    name: 'postback_worker_draining',
    help: "1 while this worker's backlog holds its affiliate deliveries back (DELIVERY_RATE_WHILE_DRAINING), else 0",
    registers: [registry],
    collect() {
      this.set(backlog().draining ? 1 : 0);
    },
  });
  // Every series exists from the start, so rates and alerts see a 0 rather than no data.
  for (const kind of ['unreachable', 'other'] as const) databaseErrors.inc({ kind }, 0);

  return {
    registry,
    applied(items) {
      // Tallied per batch, then one inc per outcome; the histogram takes one observation per postback
      // (about 150 ns each, against milliseconds for the batch's transaction).
      const now = Date.now();
      const tally = new Map<string, { outcome: Outcome; shard: string; n: number }>();
      for (let i = 0; i < items.length; i += 1) {
        const { outcome, shard, receivedAt } = items[i]!;
        const key = `${outcome} ${shard}`;
        const entry = tally.get(key);
        if (entry) entry.n += 1;
        else tally.set(key, { outcome, shard, n: 1 });
        latencyOf(shard).observe(Math.max(0, now - receivedAt) / 1000);
      }
      for (const { outcome, shard, n } of tally.values()) postbacks.inc({ outcome, shard }, n);
    },
    retried: (shard, kind, count = 1) => retries.inc({ kind, shard }, count),
    databaseError: (kind) => databaseErrors.inc({ kind }),
    deadLettered: (shard) => deadLettered.inc({ shard }),
    shardConsumed(shard) {
      for (const outcome of OUTCOMES) postbacks.inc({ outcome, shard }, 0);
      for (const kind of ['attempt', 'split_off'] as const) retries.inc({ kind, shard }, 0);
      deadLettered.inc({ shard }, 0);
    },
    consumingWhile(check) {
      consuming = check;
    },
    backlogWhile(check) {
      backlog = check;
    },
    delivery(result, destination, seconds) {
      deliveries.inc({ result, destination });
      if (seconds !== undefined) deliveryDuration.observe({ result }, seconds);
    },
  };
}
