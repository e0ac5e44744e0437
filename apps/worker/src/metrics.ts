import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOMES, type Outcome } from '@postback/core';

// From a healthy pipeline's milliseconds to a backlog of hours.
const RECEIPT_TO_APPLIED_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];

export type RetryKind = 'attempt' | 'split_off';
export type DatabaseErrorKind = 'unreachable' | 'other';

export interface WorkerMetrics {
  registry: Registry;
  /** One applied batch: each postback's outcome and the time since the receiver accepted it. */
  applied: (postbacks: ReadonlyArray<{ receivedAt: number; outcome: Outcome }>) => void;
  /** A failed attempt that BullMQ will retry, or postbacks split off a batch job into jobs of their own. */
  retried: (kind: RetryKind, count?: number) => void;
  /** A batch (or a single postback) that Postgres failed: unreachable, or any other error. */
  databaseError: (kind: DatabaseErrorKind) => void;
  deadLettered: () => void;
  /** What the consuming gauge reports on each scrape (the alert "no worker consuming" reads it). */
  consumingWhile: (check: () => boolean) => void;
}

/** The worker's metrics, in a registry of its own (main.ts serves it on WORKER_METRICS_PORT). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  const postbacks = new Counter({
    name: 'postback_worker_postbacks_total',
    help: 'Postbacks applied to Postgres, by outcome (as recorded in postback_log)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const receiptToApplied = new Histogram({
    name: 'postback_worker_receipt_to_applied_seconds',
    help: 'Time from the receiver accepting a postback to its batch being committed in Postgres',
    buckets: RECEIPT_TO_APPLIED_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'postback_worker_retries_total',
    help: 'Failed attempts that will be retried (attempt), and postbacks split off a batch job to retry alone (split_off)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'postback_worker_database_errors_total',
    help: 'Failed batch transactions: Postgres unreachable, or any other error',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'postback_worker_dead_lettered_total',
    help: 'Jobs this worker moved to the dead-letter queue',
    registers: [registry],
  });
  let consuming: () => boolean = () => false;
  new Gauge({
    name: 'postback_worker_consuming',
    help: '1 while this worker takes jobs from the queue (running and connected to Redis), else 0',
    registers: [registry],
    collect() {
      this.set(consuming() ? 1 : 0);
    },
  });
  // Every series exists from the start, so rates and alerts see a 0 rather than no data.
  for (const outcome of OUTCOMES) postbacks.inc({ outcome }, 0);
  for (const kind of ['attempt', 'split_off'] as const) retries.inc({ kind }, 0);
  for (const kind of ['unreachable', 'other'] as const) databaseErrors.inc({ kind }, 0);

  return {
    registry,
    applied(items) {
      // Tallied per batch, then one inc per outcome; the histogram takes one observation per postback
      // (about 150 ns each, against milliseconds for the batch's transaction).
      const now = Date.now();
      const tally = new Map<Outcome, number>();
      for (let i = 0; i < items.length; i += 1) {
        tally.set(items[i]!.outcome, (tally.get(items[i]!.outcome) ?? 0) + 1);
        receiptToApplied.observe(Math.max(0, now - items[i]!.receivedAt) / 1000);
      }
      for (const [outcome, n] of tally) postbacks.inc({ outcome }, n);
    },
    retried: (kind, count = 1) => retries.inc({ kind }, count),
    databaseError: (kind) => databaseErrors.inc({ kind }),
    deadLettered: () => deadLettered.inc(),
    consumingWhile(check) {
      consuming = check;
    },
  };
}
