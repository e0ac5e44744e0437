import { z } from 'zod';
import type { Outcome, Prisma } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { wholeNumber } from './inputTypes.js';
import { decodeCursor, encodeCursor, type PostbackLogPosition } from './postbackLogCursor.js';
import { postbackLogFilterShape, postbackLogWhere, untilAfterSince } from './postbackLogFilter.js';
import { parseInput } from './parseInput.js';

export const SEARCH_LIMIT_DEFAULT = 100;
export const SEARCH_LIMIT_MAX = 1000;

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const postbackLogSearchQuery = z
  .strictObject({
    ...postbackLogFilterShape,
    limit: wholeNumber(1, SEARCH_LIMIT_MAX).default(SEARCH_LIMIT_DEFAULT),
    cursor: z
      .string()
      .transform((c, ctx) => decodeCursor(c) ?? (ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' }), z.NEVER))
      .optional(),
  })
  .refine(...untilAfterSince);

export interface PostbackLogEntry {
  postback_id: string;
  /** The rejection URL it came through, or null for a row of a bulk upload (bulk_id). */
  endpoint_id: number | null;
  bulk_id: string | null;
  transaction_id: string;
  /** The rejection URL's or upload's advertiser; null on rows written before the console's columns (as the next three). */
  advertiser_id: number | null;
  /** The conversion's offer; null when it was not found. */
  offer_id: number | null;
  reason: string;
  outcome: Outcome;
  /** Why it changed nothing, in words (not_found, out_of_scope, superseded, revoked); null when it did. */
  error: string | null;
  /** How it arrived: url, bulk or replay. */
  source: string | null;
  received_at: string;
  processed_at: string;
  /** processed_at - received_at: from the receiver's 202 to the worker's commit. */
  latency_ms: number;
  attempts: number;
}

export interface PostbackLogPage {
  postbacks: PostbackLogEntry[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/**
 * One page of the postback log, newest first (received_at, then postback_id, descending), filtered by any of
 * transaction, advertiser, offer, endpoint, bulk upload, outcome and a received_at range (postbackLogFilter.ts). Keyset paging: `cursor` is where the previous page
 * ended, so each page is one index range scan however deep the operator goes. Served by the read replica when
 * there is one: a postback applied in the last moments may be missing (see README, Operations).
 */
export async function searchPostbackLog(reads: Reads, rawQuery: unknown): Promise<PostbackLogPage> {
  const q = parseInput(postbackLogSearchQuery, rawQuery);
  const and = postbackLogWhere(q);
  if (q.cursor) and.push(...after(q.cursor));
  const rows = await reads.run((replica) =>
    replica.postbackLog.findMany({
      where: { AND: and },
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
      received_at: r.receivedAt.toISOString(),
      processed_at: r.processedAt.toISOString(),
      latency_ms: r.processedAt.getTime() - r.receivedAt.getTime(),
      transaction_id: r.transactionId,
      endpoint_id: r.endpointId,
      bulk_id: r.bulkId,
      advertiser_id: r.advertiserId,
      offer_id: r.offerId,
      reason: r.reason,
      outcome: r.outcome,
      attempts: r.attempts,
      error: r.error,
      source: r.source,
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
