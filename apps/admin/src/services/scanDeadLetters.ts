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

/** A dead-letter entry found by a scan: its id, the shard whose dead-letter queue holds it, and when it came. */
export interface DeadLetterRef {
  id: string;
  shard: string;
  deadLetteredAt: number;
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

/** Every shard whose dead-letter queue may hold entries: this process's layout's and every announced layout's. */
export function deadLetterShards(deps: AdminDeps): Promise<string[]> {
  return deps.withRedis(() => deps.shards.known());
}

/**
 * The dead-lettered jobs a filter matches, in every shard's dead-letter queue, oldest first. Reads each queue a page
 * at a time (only the given ids when the filter has some: each is looked for in every shard); onPage runs after
 * each (progress, heartbeat), and an aborted signal stops the scan. The decision itself is matchesFilter's.
 */
export async function scanDeadLetters(
  deps: AdminDeps,
  filter: DeadLetterFilter,
  options: { onPage?: (progress: ScanProgress) => Promise<void>; signal?: AbortSignal; now?: number } = {},
): Promise<DeadLetterRef[]> {
  const window = timeWindowOf(filter, options.now ?? Date.now());
  // Keyed by shard and id: entries dead-lettered during the scan shift the list, so a page may repeat one already seen.
  const found = new Map<string, DeadLetterRef>();
  let scanned = 0;
  const take = async (shard: string, jobs: Array<Job<DeadLetterData> | undefined>) => {
    const entries = jobs
      .filter((j): j is Job<DeadLetterData> => j !== undefined && j.data !== undefined)
      .map((job) => ({ id: job.id!, facts: deadLetterFactsOf(job.data) }));
    const offers = await offersOf(deps, transactionsNeedingOffer(entries.map((e) => e.facts), filter));
    for (const { id, facts } of entries) {
      if (matchesFilter(facts, filter, window, offers)) found.set(`${shard} ${id}`, { id, shard, deadLetteredAt: facts.deadLetteredAt });
    }
    scanned += jobs.length;
    await options.onPage?.({ scanned, matched: found.size });
  };
  for (const shard of await deadLetterShards(deps)) {
    const deadLetters = deps.shards.shard(shard).deadLetters;
    if (filter.ids) {
      for (let i = 0; i < filter.ids.length && !options.signal?.aborted; i += PAGE) {
        const ids = filter.ids.slice(i, i + PAGE);
        await take(shard, await deps.withRedis(() => Promise.all(ids.map((id) => deadLetters.getJob(id)))));
      }
      continue;
    }
    for (let start = 0; !options.signal?.aborted; start += PAGE) {
      const jobs = await deps.withRedis(() => deadLetters.getWaiting(start, start + PAGE - 1));
      if (jobs.length === 0) break;
      await take(shard, jobs);
    }
  }
  // Across shards by when each was dead-lettered (ties by shard, then id, so the order is the same on every scan).
  return [...found.values()].sort((a, b) => a.deadLetteredAt - b.deadLetteredAt || compare(a.shard, b.shard) || compare(a.id, b.id));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
