import type { Job } from 'bullmq';
import { z } from 'zod';
import { deadLetterKindOf, postbackJobSchema, postbacksOf, type DeadLetterData, type Postback } from '@postback/core';
import { AdminInputError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { int4Id, isoDateTime, jobId, text } from './inputTypes.js';

const PAGE = 500;
const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const listOf = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * Which dead-lettered jobs a replay or purge takes; every field narrows, none means all. Strict, so a misspelt
 * field is an error rather than a filter that silently matches everything.
 */
export const deadLetterFilterSchema = z.strictObject({
  ids: z.array(jobId).min(1).max(10_000).optional(),
  /** "unreadable", a SQLSTATE ("23514"), or an error class name: see deadLetterKindOf. */
  error_kind: listOf(text(64)).optional(),
  /** Dead-lettered at or after / before this time. */
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  /** Dead-lettered longer ago than this: "90s", "30m", "12h", "7d", "2w". */
  older_than: z.string().regex(/^\d+[smhdw]$/, 'a number and a unit: s, m, h, d or w (e.g. 7d)').optional(),
  advertiser_id: int4Id.optional(),
  /** Postbacks sent to this offer's URL, or to a global URL for a conversion of this offer. */
  offer_id: int4Id.optional(),
  endpoint_id: int4Id.optional(),
});
export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/** The time window a filter gives, in epoch milliseconds (inclusive from, exclusive to). */
function windowOf(filter: DeadLetterFilter, now: number): { from: number; to: number } {
  const from = filter.from ? Date.parse(filter.from) : -Infinity;
  let to = filter.to ? Date.parse(filter.to) : Infinity;
  if (filter.older_than) {
    const unit = filter.older_than.slice(-1) as keyof typeof DURATION_UNITS_MS;
    to = Math.min(to, now - Number(filter.older_than.slice(0, -1)) * DURATION_UNITS_MS[unit]);
  }
  if (from >= to) throw new AdminInputError('the time range is empty: from must be before to / older_than', 'from');
  return { from, to };
}

/**
 * The kind of a dead-lettered job's failure. The worker records it (errorKind); for a job moved by the sweep or
 * dead-lettered before that field existed, the SQLSTATE Prisma quotes in the reason is the one thing to go by.
 */
export function deadLetterKind(data: DeadLetterData): string {
  if (data.errorKind) return data.errorKind;
  const quoted = /Code: `([0-9A-Z]{5})`/.exec(data.failedReason ?? '');
  return quoted ? quoted[1]! : deadLetterKindOf(data.job, undefined);
}

function postbacksIn(data: DeadLetterData): Postback[] {
  const parsed = postbackJobSchema.safeParse(data.job);
  return parsed.success ? postbacksOf(parsed.data) : [];
}

type OfferOfTransaction = Map<string, number>;

function matches(data: DeadLetterData, filter: DeadLetterFilter, window: { from: number; to: number }, offers: OfferOfTransaction): boolean {
  if (data.deadLetteredAt < window.from || data.deadLetteredAt >= window.to) return false;
  if (filter.error_kind) {
    const kind = deadLetterKind(data).toLowerCase();
    if (!filter.error_kind.some((k) => k.toLowerCase() === kind)) return false;
  }
  if (filter.advertiser_id === undefined && filter.offer_id === undefined && filter.endpoint_id === undefined) return true;
  // A job of several postbacks matches when any of them does: the job is what gets replayed or purged.
  return postbacksIn(data).some(
    (p) =>
      (filter.advertiser_id === undefined || p.scope.advertiserId === filter.advertiser_id) &&
      (filter.endpoint_id === undefined || p.endpointId === filter.endpoint_id) &&
      (filter.offer_id === undefined ||
        (p.scope.offerId ?? offers.get(p.transactionId)) === filter.offer_id),
  );
}

// A postback sent to a global URL names no offer: its conversion's does. One query per page, only when asked.
async function offersOfGlobalPostbacks(deps: AdminDeps, jobs: Job<DeadLetterData>[], filter: DeadLetterFilter): Promise<OfferOfTransaction> {
  if (filter.offer_id === undefined) return new Map();
  const transactionIds = jobs.flatMap((j) => postbacksIn(j.data).filter((p) => p.scope.offerId === null).map((p) => p.transactionId));
  if (transactionIds.length === 0) return new Map();
  const rows = await deps.prisma.conversion.findMany({
    where: { transactionId: { in: transactionIds } },
    select: { transactionId: true, offerId: true },
  });
  return new Map(rows.map((r) => [r.transactionId, r.offerId]));
}

export interface ScanProgress {
  scanned: number;
  matched: number;
}

/**
 * The ids of the dead-lettered jobs a filter matches, oldest page last as the queue lists them. Reads the queue a
 * page at a time; onPage runs after each (progress, heartbeat), and an aborted signal stops the scan.
 */
export async function scanDeadLetters(
  deps: AdminDeps,
  filter: DeadLetterFilter,
  options: { onPage?: (progress: ScanProgress) => Promise<void>; signal?: AbortSignal; now?: number } = {},
): Promise<string[]> {
  const window = windowOf(filter, options.now ?? Date.now());
  // A Set: entries dead-lettered during the scan shift the list, so a page may repeat one already seen.
  const found = new Set<string>();
  let scanned = 0;
  const take = async (jobs: Array<Job<DeadLetterData> | undefined>) => {
    const present = jobs.filter((j): j is Job<DeadLetterData> => j !== undefined && j.data !== undefined);
    const offers = await offersOfGlobalPostbacks(deps, present, filter);
    for (const job of present) if (matches(job.data, filter, window, offers)) found.add(job.id!);
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
