import { z } from 'zod';
import { OUTCOMES, TRANSACTION_ID_MAX, type Prisma } from '@postback/core';
import { instant, int4Id, text } from './inputTypes.js';

/**
 * What the rejection log is filtered on: the page of the search and the CSV export take the same filters, so that
 * an export is exactly what the pages showed. Every filter is optional; they combine with AND.
 */
export const postbackLogFilterShape = {
  transaction_id: text(TRANSACTION_ID_MAX).optional(),
  /** The rejection URL's advertiser, or the bulk upload's. */
  advertiser_id: int4Id.optional(),
  /** The conversion's offer (for a global URL too); rows of a conversion not found have none. */
  offer_id: int4Id.optional(),
  /** The rejection URL it came through. */
  endpoint_id: int4Id.optional(),
  /** The rows of one bulk upload. */
  bulk_id: z.uuid().optional(),
  outcome: z.enum(OUTCOMES).optional(),
  /** Received at or after. */
  since: instant.optional(),
  /** Received before. */
  until: instant.optional(),
};

export type PostbackLogFilter = {
  [K in keyof typeof postbackLogFilterShape]?: z.output<(typeof postbackLogFilterShape)[K]>;
};

/** For `.refine(...untilAfterSince)` on a query schema made of postbackLogFilterShape (and more). */
export const untilAfterSince: [(q: { since?: Date; until?: Date }) => boolean, { message: string; path: string[] }] = [
  (q) => !q.since || !q.until || q.since < q.until,
  { message: 'must be after since', path: ['until'] },
];

/** The filter as Prisma's where clause (the search's pages). */
export function postbackLogWhere(f: PostbackLogFilter): Prisma.PostbackLogWhereInput[] {
  const where: Prisma.PostbackLogWhereInput[] = [
    { transactionId: f.transaction_id, advertiserId: f.advertiser_id, offerId: f.offer_id, endpointId: f.endpoint_id, bulkId: f.bulk_id, outcome: f.outcome },
  ];
  if (f.since) where.push({ receivedAt: { gte: f.since } });
  if (f.until) where.push({ receivedAt: { lt: f.until } });
  return where;
}
