import { z } from 'zod';
import { OUTCOMES, TRANSACTION_ID_MAX, type Outcome, type Prisma } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { instant, int4Id, text, wholeNumber } from './inputTypes.js';
import { decodeCursor, encodeCursor, type PostbackLogPosition } from './postbackLogCursor.js';
import { parseInput } from './parseInput.js';

export const SEARCH_LIMIT_DEFAULT = 100;
export const SEARCH_LIMIT_MAX = 1000;

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const searchSchema = z
  .strictObject({
    transaction_id: text(TRANSACTION_ID_MAX).optional(),
    endpoint_id: int4Id.optional(),
    /** The rows of one bulk upload. */
    bulk_id: z.uuid().optional(),
    outcome: z.enum(OUTCOMES).optional(),
    /** Received at or after. */
    since: instant.optional(),
    /** Received before. */
    until: instant.optional(),
    limit: wholeNumber(1, SEARCH_LIMIT_MAX).default(SEARCH_LIMIT_DEFAULT),
    cursor: z
      .string()
      .transform((c, ctx) => decodeCursor(c) ?? (ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' }), z.NEVER))
      .optional(),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: 'must be after since', path: ['until'] });

export interface PostbackLogEntry {
  postback_id: string;
  /** The rejection URL it came through, or null for a row of a bulk upload (bulk_id). */
  endpoint_id: number | null;
  bulk_id: string | null;
  transaction_id: string;
  reason: string;
  outcome: Outcome;
  received_at: string;
  processed_at: string;
  attempts: number;
}

export interface PostbackLogPage {
  postbacks: PostbackLogEntry[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/**
 * One page of the postback log, newest first (received_at, then postback_id, descending), filtered by any of
 * transaction, endpoint, bulk upload, outcome and a received_at range. Keyset paging: `cursor` is where the previous page
 * ended, so each page is one index range scan however deep the operator goes. Served by the read replica when
 * there is one: a postback applied in the last moments may be missing (see README, Operations).
 */
export async function searchPostbackLog(reads: Reads, rawQuery: unknown): Promise<PostbackLogPage> {
  const q = parseInput(searchSchema, rawQuery);
  const and: Prisma.PostbackLogWhereInput[] = [];
  if (q.since) and.push({ receivedAt: { gte: q.since } });
  if (q.until) and.push({ receivedAt: { lt: q.until } });
  if (q.cursor) and.push(...after(q.cursor));
  const rows = await reads.run((replica) =>
    replica.postbackLog.findMany({
      where: { transactionId: q.transaction_id, endpointId: q.endpoint_id, bulkId: q.bulk_id, outcome: q.outcome, AND: and },
      orderBy: [{ receivedAt: 'desc' }, { postbackId: 'desc' }],
      // One more than asked: whether it exists says if there is a next page.
      take: q.limit + 1,
    }),
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    postbacks: page.map((r) => ({
      postback_id: r.postbackId,
      endpoint_id: r.endpointId,
      bulk_id: r.bulkId,
      transaction_id: r.transactionId,
      reason: r.reason,
      outcome: r.outcome,
      received_at: r.receivedAt.toISOString(),
      processed_at: r.processedAt.toISOString(),
      attempts: r.attempts,
    })),
    next_cursor: rows.length > q.limit && last ? encodeCursor(last) : null,
  };
}

/**
 * Rows after `position` in newest-first order: (received_at, postback_id) < position. The plain received_at bound
 * is implied by the OR but is what lets Postgres start its index scan at the cursor instead of filtering from the top.
 */
function after(position: PostbackLogPosition): Prisma.PostbackLogWhereInput[] {
  return [
    { receivedAt: { lte: position.receivedAt } },
    {
      OR: [
        { receivedAt: { lt: position.receivedAt } },
        { receivedAt: position.receivedAt, postbackId: { lt: position.postbackId } },
      ],
    },
  ];
}
