import type { JobsOptions } from 'bullmq';
import type { Config } from '../config.js';

/**
 * Options of every delivery job, under its notification's id: handing the same notification twice leaves one job.
 * The backoff type is the delivery worker's own strategy (settings.backoffStrategy: exponential with jitter, a
 * Retry-After honoured). Failed jobs stay until moveToDeadLetter has copied them.
 */
export function deliveryJobOptions(cfg: Pick<Config, 'DELIVERY_ATTEMPTS'>, jobId: string): JobsOptions {
  return { jobId, attempts: cfg.DELIVERY_ATTEMPTS, backoff: { type: 'delivery' }, removeOnComplete: { count: 1000 }, removeOnFail: false };
}
