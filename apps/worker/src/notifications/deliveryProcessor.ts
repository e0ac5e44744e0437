import { performance } from 'node:perf_hooks';
import { DelayedError, type Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import { deliveryJobSchema, type Config, type DeliveryJob, type Logger, type PrismaClient } from '@postback/core';
import type { WorkerMetrics } from '../metrics.js';
import { attemptOutcome, type AttemptEnd } from './attemptOutcome.js';
import { deliveryRequestSchema } from './deliveryRequest.js';
import { slotWaitMs, type DestinationSlots } from './destinationSlots.js';
import type { DrainFirst } from './drainFirst.js';
import { BadDestinationError, FailedDeliveryError, RetryDeliveryError } from './errors/index.js';
import { maskUrl, maskWebhookUrl } from './maskUrl.js';
import { createNotificationBatches, type NotificationBatches } from './notificationBatches.js';
import type { NotificationRow } from './notificationRows.js';
import { outgoingHeaders } from './outgoingHeaders.js';
import { parseRetryAfter } from './retryPolicy.js';
import { destinationUrl, sendRequest, type DeliveryAnswer } from './sendRequest.js';

export interface DeliveryProcessorDeps {
  cfg: Pick<Config, 'DELIVERY_TIMEOUT_MS'>;
  prisma: PrismaClient;
  slots: DestinationSlots;
  /** undici's agent behind the SSRF guard (guardedConnector). */
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: WorkerMetrics;
  /** When given, the database steps (1 and 4 below, each in a batch with other jobs') take turns with the drain's batches. */
  drainFirst?: DrainFirst | undefined;
}

/** What a delivery job came to, when it did not throw: its notification delivered, skipped, already final, or gone. */
export type DeliveryJobResult = 'delivered' | 'skipped' | 'already final' | 'missing';

/**
 * One delivery job: one attempt of its notification.
 * 1. Read the notification: delivered or skipped → nothing to do; its postback paused or deleted → skipped, no
 *    attempt; else take it into `sending` with its request (rendered and stored the first time; a failed one is a
 *    replay from the dead-letter queue and sends its stored request again).
 * 2. Take a slot of its destination (DELIVERY_PER_DESTINATION across all workers); none free → the job waits a
 *    moment as a delayed job, spending no attempt.
 * 3. Send it (SSRF guard, timeouts, redirects: sendRequest), signed afresh when its postback has a secret.
 * 4. Record the attempt and the notification's state in one statement (410: the postback paused in it too).
 * 5. Delivered → done; worth a retry → RetryDeliveryError (the worker's backoff strategy reads its Retry-After);
 *    no retry can help → FailedDeliveryError (UnrecoverableError: dead-lettered at once).
 */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps) {
  const { logger, metrics } = deps;
  const batches = createNotificationBatches(deps.prisma, deps.drainFirst ? (step) => deps.drainFirst!.turn(step) : undefined);

  // Step 1: the notification read, skipped, or claimed with its request; or what the job came to already.
  const prepare = async (id: string): Promise<DeliveryJobResult | { row: NotificationRow; request: unknown }> => {
    const prepared = await batches.prepare(id);
    switch (prepared.outcome) {
      case 'missing':
        logger.warn({ notification_id: id }, 'delivery job for a notification that no longer exists: nothing to send');
        return 'missing';
      case 'already final':
        return 'already final';
      case 'skipped':
        if (prepared.recorded) {
          metrics.delivery('skipped', hostOf(prepared.request));
          logger.info({ notification_id: id, reason: prepared.reason }, 'notification skipped');
        }
        return 'skipped';
      case 'send':
        return { row: prepared.row, request: prepared.request };
    }
  };

  return async (job: Job<DeliveryJob>, token?: string): Promise<DeliveryJobResult> => {
    const parsed = deliveryJobSchema.safeParse(job.data);
    if (!parsed.success) throw new FailedDeliveryError(`unreadable delivery job: ${parsed.error.message}`);
    const id = parsed.data.notificationId;
    const prepared = await prepare(id);
    if (typeof prepared === 'string') return prepared;
    const { row } = prepared;
    const request = deliveryRequestSchema.safeParse(prepared.request);
    // An alert's webhook (Slack-compatible) carries its secret in the path, an affiliate's URL in its query.
    const logged = row.alertRuleId === null ? maskUrl : maskWebhookUrl;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const record = (end: AttemptEnd, url: string, extra: { answer?: DeliveryAnswer; seconds?: number; destination: string }) =>
      recordAndDecide({ deps, record: batches.record, id, row, end, url, lastAttempt, ...extra });

    if (!request.success) {
      return record({ error: new BadDestinationError(`unreadable request: ${request.error.message}`) }, '', { destination: 'unknown' });
    }
    let url: URL;
    try {
      url = destinationUrl(request.data.url);
    } catch (err) {
      return record({ error: err }, logged(request.data.url), { destination: 'unknown' });
    }
    const destination = url.host;
    const slot = await deps.slots.acquire(destination);
    if (slot === null) {
      await job.moveToDelayed(Date.now() + slotWaitMs(), token);
      throw new DelayedError();
    }
    const started = performance.now();
    let end: AttemptEnd;
    let answer: DeliveryAnswer | undefined;
    try {
      answer = await sendRequest(request.data, outgoingHeaders(request.data, id, row.secret), {
        dispatcher: deps.dispatcher,
        timeoutMs: deps.cfg.DELIVERY_TIMEOUT_MS,
      });
      end = { statusCode: answer.statusCode, retryAfterMs: parseRetryAfter(single(answer.headers['retry-after']), Date.now()) };
    } catch (err) {
      end = { error: err };
    } finally {
      await deps.slots.release(destination, slot).catch((err: unknown) => logger.warn({ err, destination }, 'destination slot not released; it expires'));
    }
    const seconds = (performance.now() - started) / 1000;
    return record(end, logged(request.data.url), { answer, seconds, destination });
  };
}

async function recordAndDecide(a: {
  deps: DeliveryProcessorDeps;
  record: NotificationBatches['record'];
  id: string;
  row: { affiliatePostbackId: number | null };
  end: AttemptEnd;
  url: string;
  lastAttempt: boolean;
  answer?: DeliveryAnswer;
  seconds?: number;
  destination: string;
}): Promise<DeliveryJobResult> {
  const { deps, id, answer } = a;
  const outcome = attemptOutcome(a.end, a.lastAttempt);
  const pauseReason =
    outcome.gone && a.row.affiliatePostbackId !== null && answer ? `410 Gone from ${new URL(answer.url).host} at ${new Date().toISOString()}` : null;
  await a.record({
    notificationId: id,
    result: outcome.result,
    url: a.url,
    statusCode: answer?.statusCode ?? null,
    latencyMs: a.seconds === undefined ? null : Math.round(a.seconds * 1000),
    responseHead: answer?.head ?? null,
    error: outcome.error,
    pauseReason,
  });
  deps.metrics.delivery(outcome.result, a.destination, a.seconds);
  const fields = { notification_id: id, destination: a.destination, status_code: answer?.statusCode, result: outcome.result };
  if (outcome.result === 'delivered') {
    deps.logger.info(fields, 'notification delivered');
    return 'delivered';
  }
  if (pauseReason !== null) {
    deps.logger.warn({ ...fields, affiliate_postback_id: a.row.affiliatePostbackId, reason: pauseReason }, 'affiliate postback paused');
    throw new FailedDeliveryError(`${outcome.error}: affiliate postback ${a.row.affiliatePostbackId} paused (${pauseReason})`);
  }
  deps.logger.warn({ ...fields, err: outcome.error }, outcome.result === 'retrying' ? 'delivery attempt failed; will retry' : 'delivery failed');
  if (outcome.permanent) throw new FailedDeliveryError(outcome.error!);
  throw new RetryDeliveryError(outcome.error!, outcome.retryAfterMs);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// The destination label of a skipped notification: its request's host when it was rendered.
function hostOf(request: unknown): string {
  const url = (request as { url?: unknown } | null)?.url;
  try {
    return typeof url === 'string' ? new URL(url).host : 'unknown';
  } catch {
    return 'unknown';
  }
}
