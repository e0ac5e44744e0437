import type { Job } from 'bullmq';
import type { DeadLetterData } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { matchesTimeAndKind, timeWindowOf, type CommonDeadLetterFilter } from './deadLetterFilter.js';
import type { DeadLetterPlace, DeadLetterSource } from './deadLetterSource.js';

const PAGE = 500;

export interface ScanProgress {
  scanned: number;
  matched: number;
}

/** A dead-letter entry found by a scan: its id, the place (shard) whose dead-letter queue holds it, and when it came. */
export interface DeadLetterRef {
  id: string;
  shard: string;
  place: DeadLetterPlace;
  deadLetteredAt: number;
}

/**
 * The dead-lettered jobs a filter matches, in every place of the source's dead-letter queue, oldest first. Reads
 * each queue a page at a time (only the given ids when the filter has some: each is looked for in every place);
 * onPage runs after each (progress, heartbeat), and an aborted signal stops the scan. The time and kind are decided
 * here; the source's own fields by the source (one query per page at most).
 */
export async function scanDeadLetters(
  deps: AdminDeps,
  source: DeadLetterSource,
  filter: CommonDeadLetterFilter,
  options: { onPage?: (progress: ScanProgress) => Promise<void>; signal?: AbortSignal; now?: number } = {},
): Promise<DeadLetterRef[]> {
  const window = timeWindowOf(filter, options.now ?? Date.now());
  // Keyed by place and id: entries dead-lettered during the scan shift the list, so a page may repeat one already seen.
  const found = new Map<string, DeadLetterRef>();
  let scanned = 0;
  const take = async (place: DeadLetterPlace, jobs: Array<Job<DeadLetterData> | undefined>) => {
    const inWindow = jobs
      .filter((j): j is Job<DeadLetterData> => j !== undefined && j.data !== undefined)
      .filter((job) => matchesTimeAndKind(source.timeAndKindOf(job.data), filter, window));
    const taken = inWindow.length === 0 ? [] : await source.matching(deps, inWindow.map((job) => job.data), filter);
    inWindow.forEach((job, i) => {
      if (taken[i]) found.set(`${place.shard} ${job.id!}`, { id: job.id!, shard: place.shard, place, deadLetteredAt: job.data.deadLetteredAt });
    });
    scanned += jobs.length;
    await options.onPage?.({ scanned, matched: found.size });
  };
  for (const place of await source.places(deps)) {
    const deadLetters = place.pair.deadLetters;
    if (filter.ids) {
      for (let i = 0; i < filter.ids.length && !options.signal?.aborted; i += PAGE) {
        const ids = filter.ids.slice(i, i + PAGE);
        await take(place, await deps.withRedis(() => Promise.all(ids.map((id) => deadLetters.getJob(id)))));
      }
      continue;
    }
    for (let start = 0; !options.signal?.aborted; start += PAGE) {
      const jobs = await deps.withRedis(() => deadLetters.getWaiting(start, start + PAGE - 1));
      if (jobs.length === 0) break;
      await take(place, jobs);
    }
  }
  // Across places by when each was dead-lettered (ties by place, then id, so the order is the same on every scan).
  return [...found.values()].sort((a, b) => a.deadLetteredAt - b.deadLetteredAt || compare(a.shard, b.shard) || compare(a.id, b.id));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
