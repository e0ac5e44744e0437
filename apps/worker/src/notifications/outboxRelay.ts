import { Queue, type ConnectionOptions } from 'bullmq';
import {
  DELIVERY_JOB_NAME,
  DELIVERY_QUEUE_NAME,
  deliveryJobOf,
  deliveryJobOptions,
  deliveryQueueTag,
  type Config,
  type DeliveryJob,
  type Logger,
  type PrismaClient,
} from '@postback/core';
import type { WorkerMetrics } from '../metrics.js';
import type { DrainFirst } from './drainFirst.js';
import { createOutboxMetrics } from './outboxMetrics.js';

/** Rows handed per round (one transaction, one addBulk); a full round is followed at once by another. */
export const RELAY_BATCH = 500;
/** How soon a round held back by the drain's allowance is followed by another. */
const HELD_BACK_RETRY_MS = 100;
/** How often the backlog gauges are read from Postgres. */
const BACKLOG_REFRESH_MS = 15_000;

export interface OutboxRelayDeps {
  cfg: Pick<Config, 'QUEUE_PREFIX' | 'OUTBOX_RELAY_INTERVAL_MS' | 'OUTBOX_REHAND_AFTER_MS' | 'DELIVERY_ATTEMPTS'>;
  prisma: PrismaClient;
  connection: ConnectionOptions;
  logger: Logger;
  metrics: Pick<WorkerMetrics, 'registry'>;
  /** While this process's drain is under way, hands only what its allowance lets (DELIVERY_RATE_WHILE_DRAINING). */
  drainFirst?: Pick<DrainFirst, 'handAllowance' | 'handed'>;
}

export interface OutboxRelay {
  /** Runs a round now (or right after the one under way): a notification due at once leaves after its commit. */
  kick: () => void;
  /** Stops the rounds, waits for the one under way, closes the queue. */
  close: () => Promise<void>;
}

/**
 * The outbox relay: hands the pending notifications (`notifications`, written in the transaction of the change)
 * to the delivery queue. Every worker process runs one; FOR UPDATE SKIP LOCKED lets them share the rows without
 * waiting on each other. A round hands the rows due before the next round (each delayed until its due time) and
 * those handed long ago that are still pending (a job lost with a Redis failover), then records handed_at.
 * Redis first, then handed_at, in the rows' transaction: a crash in between hands them again next round, and the
 * job id (the notification's id) makes that second add a no-op. A row stays pending until the delivery worker
 * records its result, so nothing handed to Redis and lost there is lost for good.
 */
export function startOutboxRelay(deps: OutboxRelayDeps): OutboxRelay {
  const { cfg, prisma, logger } = deps;
  const queue = new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection: deps.connection, prefix: deliveryQueueTag(cfg.QUEUE_PREFIX) });
  queue.on('error', (err: Error) => logger.warn({ err: err.message }, 'delivery queue error (relay)'));
  const outboxMetrics = createOutboxMetrics(deps.metrics.registry);

  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;

  let heldBackTimer: NodeJS.Timeout | null = null;
  // Rows left in the outbox by the drain's allowance: another round soon, for the allowance accrued meanwhile and
  // for all of them once the drain is quiet.
  const heldBack = () => {
    heldBackTimer ??= setTimeout(() => {
      heldBackTimer = null;
      trigger();
    }, HELD_BACK_RETRY_MS);
  };

  // Hands at most `limit` rows; resolves how many it handed.
  const handOnce = async (limit: number): Promise<number> =>
    prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<
          Array<{ id: string; delay_ms: number; affiliatePostbackId: number | null; alertRuleId: number | null; transactionId: string | null }>
        >`
          SELECT id::text, affiliate_postback_id AS "affiliatePostbackId", alert_rule_id AS "alertRuleId", transaction_id AS "transactionId",
                 GREATEST(0, ceil(extract(epoch FROM due_at - now()) * 1000))::int AS delay_ms
          FROM notifications
          WHERE state IN ('waiting', 'sending')
            AND due_at <= now() + ${cfg.OUTBOX_RELAY_INTERVAL_MS}::int * interval '1 millisecond'
            AND (handed_at IS NULL OR handed_at < now() - ${cfg.OUTBOX_REHAND_AFTER_MS}::int * interval '1 millisecond')
          ORDER BY due_at
          LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        // One Redis round trip for the whole round.
        await queue.addBulk(
          rows.map((r) => ({
            name: DELIVERY_JOB_NAME,
            // Who it is for rides along: the dead-letter filters read it without a query per entry.
            data: deliveryJobOf(r),
            opts: { ...deliveryJobOptions(cfg, r.id), delay: r.delay_ms },
          })),
        );
        await tx.$executeRaw`UPDATE notifications SET handed_at = now() WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`;
        return rows.length;
      },
      { maxWait: 10_000, timeout: 30_000 },
    );

  const round = async () => {
    do {
      again = false;
      try {
        let handed: number;
        let limit: number;
        do {
          limit = deps.drainFirst ? deps.drainFirst.handAllowance(RELAY_BATCH) : RELAY_BATCH;
          handed = limit > 0 ? await handOnce(limit) : 0;
          deps.drainFirst?.handed(handed);
          if (handed > 0) logger.debug({ handed }, 'notifications handed to the delivery queue');
        } while (handed === RELAY_BATCH && !closed);
        // Cut short by the allowance with rows perhaps still due: they are tried again shortly.
        if (limit < RELAY_BATCH && handed === limit) heldBack();
      } catch (err) {
        logger.warn({ err }, 'outbox relay round failed; the next round will try again');
      }
    } while (again && !closed);
  };

  const trigger = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = round().finally(() => {
      running = null;
    });
  };

  let reading: Promise<void> | null = null;
  const refreshBacklog = async () => {
    try {
      const [row] = await prisma.$queryRaw<Array<{ pending: number; oldest_seconds: number }>>`
        SELECT count(*)::int AS pending,
               COALESCE(extract(epoch FROM now() - min(due_at)), 0)::float8 AS oldest_seconds
        FROM notifications
        WHERE state IN ('waiting', 'sending') AND due_at <= now()`;
      outboxMetrics.backlog(row!.pending, Math.max(0, row!.oldest_seconds));
    } catch (err) {
      logger.warn({ err }, 'outbox backlog not read; will try again');
    }
  };

  const timer = setInterval(trigger, cfg.OUTBOX_RELAY_INTERVAL_MS);
  const readBacklog = () => {
    reading ??= refreshBacklog().finally(() => {
      reading = null;
    });
  };
  const backlogTimer = setInterval(readBacklog, BACKLOG_REFRESH_MS);
  trigger();
  readBacklog();

  return {
    kick: trigger,
    async close() {
      closed = true;
      clearInterval(timer);
      clearInterval(backlogTimer);
      if (heldBackTimer) clearTimeout(heldBackTimer);
      await Promise.all([running, reading]);
      await queue.close();
    },
  };
}
