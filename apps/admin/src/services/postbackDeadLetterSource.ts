import type { Job } from 'bullmq';
import { bulkIdOf, endpointIdOf, type DeadLetterData } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { deadLetterFactsOf } from './deadLetterFacts.js';
import { deadLetterFilterSchema, matchesFilter, transactionsNeedingOffer, type DeadLetterFilter, type OfferOfTransaction } from './deadLetterFilter.js';
import type { DeadLetterSource } from './deadLetterSource.js';

/** One dead-lettered postback job as `dlq list` and GET /admin/dlq show it. */
function deadLetterSummaryOf(shard: string, job: Job<DeadLetterData>) {
  const { errorKind, postbacks } = deadLetterFactsOf(job.data);
  const single = postbacks !== 'unreadable' && postbacks.length === 1 ? postbacks[0]! : undefined;
  return {
    id: job.id!,
    // The shard whose dead-letter queue holds it, and whose queue a replay puts it back on.
    shard,
    readable: postbacks !== 'unreadable',
    postbacks: postbacks === 'unreadable' ? 0 : postbacks.length,
    // For a single postback (the usual case: a postback that failed on its own) its transaction and endpoint.
    transaction_id: single?.transactionId ?? null,
    endpoint_id: single ? endpointIdOf(single) : null,
    // Or the bulk upload it is a row of (apps/admin/src/bulk/).
    bulk_id: single ? bulkIdOf(single) : null,
    error: job.data.failedReason,
    error_kind: errorKind,
    attempts: job.data.attemptsMade,
    errors: job.data.errors,
    dead_lettered_at: new Date(job.data.deadLetteredAt).toISOString(),
  };
}
export type PostbackDeadLetterSummary = ReturnType<typeof deadLetterSummaryOf>;

// One query per page, only for the transactions the filter needs (see transactionsNeedingOffer).
async function offersOf(deps: AdminDeps, transactionIds: string[]): Promise<OfferOfTransaction> {
  if (transactionIds.length === 0) return new Map();
  const rows = await deps.prisma.conversion.findMany({
    where: { transactionId: { in: transactionIds } },
    select: { transactionId: true, offerId: true },
  });
  return new Map(rows.map((r) => [r.transactionId, r.offerId]));
}

// Time and kind are the scan's: a window that takes everything leaves matchesFilter the postback fields.
const ALL_TIME = { from: -Infinity, to: Infinity };

/** The postback queue's shards, each with its dead-letter queue: the queue `queue=postbacks` (the default) names. */
export const postbackDeadLetterSource: DeadLetterSource<DeadLetterFilter, PostbackDeadLetterSummary> = {
  queue: 'postbacks',
  noun: 'dead-lettered postback',
  filterSchema: deadLetterFilterSchema,
  /** Every shard whose dead-letter queue may hold entries: this process's layout's and every announced layout's. */
  async places(deps) {
    const shards = await deps.withRedis(() => deps.shards.known());
    return shards.map((shard) => ({ shard, pair: deps.shards.shard(shard).pair }));
  },
  timeAndKindOf(data) {
    const { deadLetteredAt, errorKind } = deadLetterFactsOf(data);
    return { deadLetteredAt, errorKind };
  },
  async matching(deps, page, filter) {
    const facts = page.map(deadLetterFactsOf);
    const offers = await offersOf(deps, transactionsNeedingOffer(facts, filter));
    const postbackFields = { advertiser_id: filter.advertiser_id, offer_id: filter.offer_id, endpoint_id: filter.endpoint_id };
    return facts.map((f) => matchesFilter(f, postbackFields, ALL_TIME, offers));
  },
  async summaries(_deps, entries) {
    return entries.map(({ shard, job }) => deadLetterSummaryOf(shard, job));
  },
};
