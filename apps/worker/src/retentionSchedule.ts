import { Worker, type ConnectionOptions } from 'bullmq';
import {
  compactOptionsOf,
  compactRejectionRollups,
  createMaintenanceQueue,
  maintainPostbackLog,
  maintenanceOptionsOf,
  MAINTENANCE_QUEUE_NAME,
  type CompactResult,
  type Config,
  type Logger,
  type MaintenanceQueue,
  type MaintenanceResult,
  type PrismaClient,
} from '@postback/core';
import { evaluateAlertRules, type AlertEvaluationResult } from './notifications/alertEvaluation.js';
import { pruneNotifications } from './notifications/notificationRetention.js';

/**
 * The id of the one job scheduler every worker upserts: the same id, so there is one entry however many start.
 * Kept from when the job only pruned rows, so that an upgrade replaces the scheduler instead of adding a second.
 */
export const RETENTION_SCHEDULER_ID = 'postback-log-retention';
const RETENTION_JOB_NAME = 'maintain-postback-log';
/** The report counts' compaction: a scheduler of its own, since it runs far more often than the retention. */
export const ROLLUP_SCHEDULER_ID = 'rejection-rollups';
const ROLLUP_JOB_NAME = 'compact-rejection-rollups';
/** The rejection-rate alert rules, evaluated once per ALERT_EVALUATION_INTERVAL_MS across the fleet. */
export const ALERT_SCHEDULER_ID = 'rejection-rate-alerts';
const ALERT_JOB_NAME = 'evaluate-rejection-rate-alerts';
/** The delivery log's retention: a scheduler of its own, so a failing postback-log run does not hold it up. */
export const NOTIFICATION_RETENTION_SCHEDULER_ID = 'notification-retention';
const NOTIFICATION_RETENTION_JOB_NAME = 'prune-notifications';

type RetentionConfig = Pick<
  Config,
  | 'QUEUE_PREFIX'
  | 'POSTBACK_LOG_RETENTION_DAYS'
  | 'POSTBACK_LOG_PARTITIONS_AHEAD_DAYS'
  | 'RETENTION_BATCH_SIZE'
  | 'RETENTION_INTERVAL_MS'
  | 'REJECTION_ROLLUP_INTERVAL_MS'
  | 'ALERT_EVALUATION_INTERVAL_MS'
  | 'DELIVERY_LOG_RETENTION_DAYS'
>;

export interface RetentionSchedule {
  /** Stops taking maintenance jobs; a prune in progress stops after its current batch. */
  close: () => Promise<void>;
}

/**
 * Schedules the worker's maintenance and takes its jobs: the postback-log maintenance (the days ahead, the
 * retention; packages/core/src/postbackLog/) and the compaction of the report counts (packages/core/src/
 * rejectionRollups/), the rejection-rate alerts and the delivery log's retention (notifications/). Every worker process upserts the same job schedulers (idempotent, so restarts and many
 * workers leave one entry each) and listens on the maintenance queue; BullMQ hands each interval's job to one of
 * them, so each runs once per interval across the fleet.
 */
export function startRetentionSchedule(
  cfg: RetentionConfig,
  connection: ConnectionOptions,
  prisma: PrismaClient,
  logger: Logger,
  /** Kicked after an alert evaluation that wrote notifications, so they leave at once. */
  relay?: { kick: () => void },
): RetentionSchedule {
  const queue = createMaintenanceQueue(cfg, connection);
  queue.on('error', (err: Error) => logger.warn({ err: err.message }, 'maintenance queue error'));
  const stopping = new AbortController();
  const schedules = [
    scheduleEvery(queue, RETENTION_SCHEDULER_ID, RETENTION_JOB_NAME, cfg.RETENTION_INTERVAL_MS, stopping.signal, logger),
    scheduleEvery(queue, ROLLUP_SCHEDULER_ID, ROLLUP_JOB_NAME, cfg.REJECTION_ROLLUP_INTERVAL_MS, stopping.signal, logger),
    scheduleEvery(queue, ALERT_SCHEDULER_ID, ALERT_JOB_NAME, cfg.ALERT_EVALUATION_INTERVAL_MS, stopping.signal, logger),
    scheduleEvery(queue, NOTIFICATION_RETENTION_SCHEDULER_ID, NOTIFICATION_RETENTION_JOB_NAME, cfg.RETENTION_INTERVAL_MS, stopping.signal, logger),
  ];

  const worker = new Worker<Record<string, never>, MaintenanceResult | CompactResult | AlertEvaluationResult | { deleted: number }>(
    MAINTENANCE_QUEUE_NAME,
    async (job) => {
      if (job.name === ROLLUP_JOB_NAME) {
        const result = await compactRejectionRollups(prisma, { ...compactOptionsOf(cfg), signal: stopping.signal });
        logger.debug(result, 'rejection rollups compacted');
        return result;
      }
      if (job.name === ALERT_JOB_NAME) {
        const result = await evaluateAlertRules(prisma, { signal: stopping.signal });
        if (result.notifications > 0) relay?.kick();
        logger.debug(result, 'rejection-rate alerts evaluated');
        return result;
      }
      if (job.name === NOTIFICATION_RETENTION_JOB_NAME) {
        const deleted = await pruneNotifications(prisma, {
          retentionDays: cfg.DELIVERY_LOG_RETENTION_DAYS,
          batchSize: cfg.RETENTION_BATCH_SIZE,
          signal: stopping.signal,
        });
        logger.info({ deleted }, 'delivery log maintained');
        return { deleted };
      }
      const result = await maintainPostbackLog(prisma, { ...maintenanceOptionsOf(cfg), signal: stopping.signal, logger });
      logger.info(result, 'postback log maintained');
      return result;
    },
    {
      connection,
      prefix: cfg.QUEUE_PREFIX,
      concurrency: 1,
      removeOnComplete: { count: 10 },
      removeOnFail: { count: 10 },
    },
  );
  // A failed run is tried again at the next interval; what it left undone is still due then.
  worker.on('failed', (job, err) => logger.warn({ err, job: job?.name }, 'maintenance failed; the next run will retry'));
  worker.on('error', (err) => logger.warn({ err: err.message }, 'maintenance worker error'));

  return {
    async close() {
      stopping.abort();
      // Not left running past close(): it would write the queue's keys after its owner has gone.
      await Promise.all(schedules);
      await worker.close();
      await queue.close();
    },
  };
}

/** Upserts a job scheduler; Redis may be down at start, so it tries again at each interval until it is in place. */
function scheduleEvery(queue: MaintenanceQueue, id: string, name: string, everyMs: number, stopping: AbortSignal, logger: Logger): Promise<void> {
  const schedule = () => queue.upsertJobScheduler(id, { every: everyMs }, { name });
  return schedule().then(
    () => undefined,
    (err: unknown) => {
      logger.warn({ err, scheduler: id }, 'could not schedule the worker maintenance; will try again');
      const retry = setInterval(() => {
        schedule().then(() => clearInterval(retry), () => undefined);
      }, everyMs);
      stopping.addEventListener('abort', () => clearInterval(retry));
    },
  );
}
