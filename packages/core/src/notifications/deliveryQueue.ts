import { z } from 'zod';

/**
 * The delivery queue of affiliate notifications and its dead-letter queue, under their own hash tag derived from
 * QUEUE_PREFIX's (`{postback}` → `{postback-deliveries}`): on a Redis Cluster their load lands on whichever primary
 * owns that slot, apart from the postback shards. The per-destination counters live under the same tag.
 */
export function deliveryQueueTag(controlTag: string): string {
  return `${controlTag.slice(0, -1)}-deliveries}`;
}
export const DELIVERY_QUEUE_NAME = 'deliveries';
export const DELIVERY_DEAD_LETTER_QUEUE_NAME = 'deliveries-dead';
export const DELIVERY_JOB_NAME = 'deliver';

/**
 * A delivery job names its notification (a row of the outbox, `notifications`) and is queued under the
 * notification's id as its job id, so handing the same notification twice leaves one job. Everything the worker
 * needs is read from Postgres when it runs. The relay also copies who the notification is for (its affiliate
 * postback or alert rule, and its transaction; null where it has none) so an operator's dead-letter filter can
 * decide without a query per entry. Jobs queued before those fields existed lack them and stay readable.
 */
export const deliveryJobSchema = z.object({
  v: z.literal(1),
  notificationId: z.uuid(),
  affiliatePostbackId: z.int().nullish(),
  alertRuleId: z.int().nullish(),
  transactionId: z.string().nullish(),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/** A notification's delivery job data, as the relay queues it. */
export function deliveryJobOf(n: { id: string; affiliatePostbackId: number | null; alertRuleId: number | null; transactionId: string | null }): DeliveryJob {
  return { v: 1, notificationId: n.id, affiliatePostbackId: n.affiliatePostbackId, alertRuleId: n.alertRuleId, transactionId: n.transactionId };
}

/** The events an affiliate postback may fire on. */
export const AFFILIATE_EVENTS = ['rejected', 'reason_updated'] as const;
export type AffiliateEvent = (typeof AFFILIATE_EVENTS)[number];
/** The events of an alert rule's notifications. */
export const ALERT_EVENTS = ['alert.firing', 'alert.resolved'] as const;
