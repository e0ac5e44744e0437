import DataLoader from 'dataloader';
import type { PrismaClient } from '@postback/core';
import { claimRequests, loadNotifications, skipNotifications, skipReasonOf, type NotificationRow } from './notificationRows.js';
import { recordAttempts, type AttemptRecord } from './recordAttempt.js';

/** Where a delivery job stands once its notification was read and claimed (step 1 of the delivery processor). */
export type Prepared =
  | { outcome: 'missing' | 'already final' }
  /** Not sent, with why; `recorded` is false when another attempt had already finished it. */
  | { outcome: 'skipped'; reason: string; recorded: boolean; request: unknown }
  | { outcome: 'send'; row: NotificationRow; request: unknown };

/**
 * Step 1 for many notifications at once: read them, skip those whose postback is paused or deleted (or whose alert
 * rule is deleted), claim the rest with their requests (notificationRows.claimRequests). Four statements at most,
 * whatever the count.
 */
export async function prepareNotifications(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, Prepared>> {
  const rows = await loadNotifications(prisma, ids);
  const prepared = new Map<string, Prepared>();
  const skips: Array<{ id: string; reason: string; request: unknown }> = [];
  const toClaim: string[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) prepared.set(id, { outcome: 'missing' });
    else if (row.state === 'delivered' || row.state === 'skipped') prepared.set(id, { outcome: 'already final' });
    else {
      const reason = skipReasonOf(row);
      if (reason === null) toClaim.push(id);
      else skips.push({ id, reason, request: row.request });
    }
  }
  const [skipped, claimed] = await Promise.all([skipNotifications(prisma, skips), toClaim.length > 0 ? claimRequests(prisma, toClaim) : new Map()]);
  for (const s of skips) prepared.set(s.id, { outcome: 'skipped', reason: s.reason, recorded: skipped.has(s.id), request: s.request });
  for (const id of toClaim) {
    const claim = claimed.get(id);
    if (!claim) prepared.set(id, { outcome: 'already final' });
    else if (claim.skipReason !== undefined) prepared.set(id, { outcome: 'skipped', reason: claim.skipReason, recorded: true, request: claim.request });
    else prepared.set(id, { outcome: 'send', row: rows.get(id)!, request: claim.request });
  }
  return prepared;
}

export interface NotificationBatches {
  /** Step 1 of one delivery job, in a batch with the other jobs' that ask meanwhile. */
  prepare: (id: string) => Promise<Prepared>;
  /** Records one attempt, in a batch with the other jobs' that ask meanwhile. */
  record: (attempt: AttemptRecord) => Promise<boolean>;
}

/** Most notifications in one statement; more waiting than this go as several batches. */
const MAX_BATCH = 100;

/**
 * The delivery jobs' database steps, gathered: a job asks for its own notification, and every job that asks while a
 * batch of the same kind is in flight goes in the next one (dataloader, its dispatch held until the batch before has
 * finished). Lightly loaded, a job's step runs at once, alone; with DELIVERY_CONCURRENCY jobs in flight, a handful of
 * statements serve them all. Each round trip to Postgres costs the worker's one thread a system call that also runs
 * Postgres's side of loopback TCP, and Prisma's own work per statement: per job, that was most of a delivery's cost.
 * `turn` wraps each batch (DrainFirst: batches take turns with the drain's).
 */
export function createNotificationBatches(
  prisma: PrismaClient,
  turn: <T>(step: () => Promise<T>) => Promise<T> = (step) => step(),
): NotificationBatches {
  const gathered = <K, V>(load: (keys: readonly K[]) => Promise<V[]>) => {
    let inFlight: Promise<unknown> = Promise.resolve();
    return new DataLoader<K, V>(
      (keys) => {
        const batch = turn(() => load(keys));
        inFlight = batch.catch(() => undefined);
        return batch;
      },
      {
        cache: false,
        maxBatchSize: MAX_BATCH,
        // After the batch in flight, and after this turn of the event loop: the jobs asking meanwhile go together.
        batchScheduleFn: (dispatch) => void inFlight.then(() => setImmediate(dispatch)),
      },
    );
  };
  const prepared = gathered<string, Prepared>(async (ids) => {
    const byId = await prepareNotifications(prisma, ids);
    return ids.map((id) => byId.get(id) ?? { outcome: 'missing' });
  });
  const recorded = gathered<AttemptRecord, boolean>((attempts) => recordAttempts(prisma, attempts));
  return {
    prepare: (id) => prepared.load(id),
    record: (attempt) => recorded.load(attempt),
  };
}
