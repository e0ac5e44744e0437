import { z } from 'zod';
import { TRANSACTION_ID_MAX } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { decodeDeliveryCursor, encodeDeliveryCursor } from './deliveryCursor.js';
import { int4Id, text, wholeNumber } from './inputTypes.js';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './listPaging.js';
import { parseInput } from './parseInput.js';

export const DELIVERY_RESULTS = ['delivered', 'retrying', 'failed'] as const;

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const deliveryQuery = z.strictObject({
  affiliate_postback_id: int4Id.optional(),
  alert_rule_id: int4Id.optional(),
  transaction_id: text(TRANSACTION_ID_MAX).optional(),
  /** The attempt's result. */
  status: z.enum(DELIVERY_RESULTS).optional(),
  limit: wholeNumber(1, LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z
    .string()
    .transform((c, ctx) => decodeDeliveryCursor(c) ?? (ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' }), z.NEVER))
    .optional(),
});

/**
 * The delivery log: every attempt to deliver a notification, newest first (by id, the order they were recorded),
 * filtered by affiliate postback, alert rule, transaction and result. Keyset paging on the id, so each page is one
 * range scan of the (affiliate_postback_id, id) or (transaction_id, id) index however deep the operator goes. Read
 * from the replica when there is one, as the postback log: an attempt of the last moments may be missing.
 */
export async function listDeliveries(reads: Reads, rawQuery: unknown) {
  const q = parseInput(deliveryQuery, rawQuery);
  const rows = await reads.run((db) =>
    db.deliveryAttempt.findMany({
      where: {
        id: q.cursor === undefined ? undefined : { lt: q.cursor },
        affiliatePostbackId: q.affiliate_postback_id,
        alertRuleId: q.alert_rule_id,
        transactionId: q.transaction_id,
        result: q.status,
      },
      orderBy: { id: 'desc' },
      // One more than asked: whether it exists says if there is a next page.
      take: q.limit + 1,
    }),
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    deliveries: page.map((a) => ({
      id: a.id.toString(),
      notification_id: a.notificationId,
      affiliate_postback_id: a.affiliatePostbackId,
      alert_rule_id: a.alertRuleId,
      transaction_id: a.transactionId,
      attempt: a.attempt,
      attempted_at: a.attemptedAt.toISOString(),
      url: a.url,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      response_head: a.responseHead,
      error: a.error,
      result: a.result as (typeof DELIVERY_RESULTS)[number],
    })),
    next_cursor: rows.length > q.limit && last ? encodeDeliveryCursor(last.id) : null,
  };
}
