import { Worker, type ConnectionOptions } from 'bullmq';
import {
  createMaintenanceQueue,
  maintainPostbackLog,
  maintenanceOptionsOf,
  MAINTENANCE_QUEUE_NAME,
  type Config,
  type Logger,
  type MaintenanceResult,
  type PrismaClient,
} from '@postback/core';

/**
 * The id of the one job scheduler every worker upserts: the same id, so there is one entry however many start.
 * Kept from when the job only pruned rows, so that an upgrade replaces the scheduler instead of adding a second.
 */
export const RETENTION_SCHEDULER_ID = 'postback-log-retention';
const RETENTION_JOB_NAME = 'maintain-postback-log';

type RetentionConfig = Pick<
  Config,
  | 'QUEUE_PREFIX'
  | 'POSTBACK_LOG_RETENTION_DAYS'
  | 'POSTBACK_LOG_PARTITIONS_AHEAD_DAYS'
  | 'RETENTION_BATCH_SIZE'
  | 'RETENTION_INTERVAL_MS'
>;

export interface RetentionSchedule {
  /** Stops taking maintenance jobs; a prune in progress stops after its current batch. */
  close: () => Promise<void>;
}

/**
 * Schedules the postback-log maintenance (the days ahead, the retention; packages/core/src/postbackLog/) and takes
 * its jobs. Every worker process upserts the same job scheduler
 * (idempotent, so restarts and many workers leave one entry) and listens on the maintenance queue; BullMQ hands
 * each interval's job to one of them, so the maintenance runs once per RETENTION_INTERVAL_MS across the fleet.
 */
export function startRetentionSchedule(
  cfg: RetentionConfig,
  connection: ConnectionOptions,
  prisma: PrismaClient,
  logger: Logger,
): RetentionSchedule {
  const queue = createMaintenanceQueue(cfg, connection);
  queue.on('error', (err: Error) => logger.warn({ err: err.message }, 'maintenance queue error'));
  const stopping = new AbortController();

  const schedule = () =>
    queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { every: cfg.RETENTION_INTERVAL_MS }, { name: RETENTION_JOB_NAME });
  // Redis may be down at start: try again at each interval until the scheduler is in place.
  const firstSchedule = schedule().then(
    () => undefined,
    (err: unknown) => {
      logger.warn({ err }, 'could not schedule the postback-log maintenance; will try again');
      const retry = setInterval(() => {
        schedule().then(() => clearInterval(retry), () => undefined);
      }, cfg.RETENTION_INTERVAL_MS);
      stopping.signal.addEventListener('abort', () => clearInterval(retry));
    },
  );

  const worker = new Worker<Record<string, never>, MaintenanceResult>(
    MAINTENANCE_QUEUE_NAME,
    async () => {
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
  worker.on('failed', (_job, err) => logger.warn({ err }, 'postback-log maintenance failed; the next run will retry'));
  worker.on('error', (err) => logger.warn({ err: err.message }, 'maintenance worker error'));

  return {
    async close() {
      stopping.abort();
      // Not left running past close(): it would write the queue's keys after its owner has gone.
      await firstSchedule;
      await worker.close();
      await queue.close();
    },
  };
}
