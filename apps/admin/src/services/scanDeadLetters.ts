import type { Job } from 'bullmq';
import type { DeadLetterData } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { deadLetterFactsOf } from './deadLetterFacts.js';
import { matchesFilter, timeWindowOf, transactionsNeedingOffer, type DeadLetterFilter, type OfferOfTransaction } from './deadLetterFilter.js';

const PAGE = 500;

export interface ScanProgress {
  scanned: number;
  matched: number;
}

// One query per page, only for the transactions the filter needs (see transactionsNeedingOffer).
async function offersOf(deps: AdminDeps, transactionIds: string[]): Promise<OfferOfTransaction> {
  if (transactionIds.length === 0) return new Map();
  const rows = await deps.prisma.conversion.findMany({
    where: { transactionId: { in: transactionIds } },
    select: { transactionId: true, offerId: true },
  });
  return new Map(rows.map((r) => [r.transactionId, r.offerId]));
}

/**
 * The ids of the dead-lettered jobs a filter matches, oldest page last as the queue lists them. Reads the queue a
 * page at a time (only the given ids when the filter has some); onPage runs after each (progress, heartbeat), and
 * an aborted signal stops the scan. The decision itself is matchesFilter's.
 */
export async function scanDeadLetters(
  deps: AdminDeps,
  filter: DeadLetterFilter,
  options: { onPage?: (progress: ScanProgress) => Promise<void>; signal?: AbortSignal; now?: number } = {},
): Promise<string[]> {
  const window = timeWindowOf(filter, options.now ?? Date.now());
  // A Set: entries dead-lettered during the scan shift the list, so a page may repeat one already seen.
  const found = new Set<string>();
  let scanned = 0;
  const take = async (jobs: Array<Job<DeadLetterData> | undefined>) => {
    const entries = jobs
      .filter((j): j is Job<DeadLetterData> => j !== undefined && j.data !== undefined)
      .map((job) => ({ id: job.id!, facts: deadLetterFactsOf(job.data) }));
    const offers = await offersOf(deps, transactionsNeedingOffer(entries.map((e) => e.facts), filter));
    for (const { id, facts } of entries) if (matchesFilter(facts, filter, window, offers)) found.add(id);
    scanned += jobs.length;
    await options.onPage?.({ scanned, matched: found.size });
  };
  if (filter.ids) {
    for (let i = 0; i < filter.ids.length && !options.signal?.aborted; i += PAGE) {
      const ids = filter.ids.slice(i, i + PAGE);
      await take(await deps.withRedis(() => Promise.all(ids.map((id) => deps.deadLetters.getJob(id)))));
    }
    return [...found];
  }
  for (let start = 0; !options.signal?.aborted; start += PAGE) {
    const jobs = await deps.withRedis(() => deps.deadLetters.getWaiting(start, start + PAGE - 1));
    if (jobs.length === 0) break;
    await take(jobs);
  }
  return [...found];
}
