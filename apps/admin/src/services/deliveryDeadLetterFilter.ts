import { deliveryJobSchema, errorKindOf, type DeadLetterData } from '@postback/core';
import { commonFilterFields, filterObject } from './deadLetterFilter.js';
import { int4Id, text } from './inputTypes.js';
import type { z } from 'zod';

/** Which dead-lettered deliveries a replay or purge takes; every field narrows, none means all. */
export const deliveryDeadLetterFilterSchema = filterObject('deliveries', {
  ...commonFilterFields,
  affiliate_postback_id: int4Id.optional(),
  alert_rule_id: int4Id.optional(),
  transaction_id: text(128).optional(),
});
export type DeliveryDeadLetterFilter = z.infer<typeof deliveryDeadLetterFilterSchema>;

/** Who a notification was for: its affiliate postback or alert rule, and its conversion's transaction (null: none). */
export interface NotificationTarget {
  affiliatePostbackId: number | null;
  alertRuleId: number | null;
  transactionId: string | null;
}

/** What operators see of a dead-lettered delivery and filter it by. */
export interface DeliveryDeadLetterFacts {
  deadLetteredAt: number;
  errorKind: string;
  /** Null when the job is unreadable. */
  notificationId: string | null;
  /** As the relay copied it into the job; undefined for a job queued before it did (see deliveryDeadLetterSource). */
  target: NotificationTarget | undefined;
}

export function deliveryDeadLetterFactsOf(data: DeadLetterData): DeliveryDeadLetterFacts {
  const parsed = deliveryJobSchema.safeParse(data.job);
  const job = parsed.success ? parsed.data : undefined;
  const carried = job && (job.affiliatePostbackId !== undefined || job.alertRuleId !== undefined || job.transactionId !== undefined);
  return {
    deadLetteredAt: data.deadLetteredAt,
    errorKind: errorKindOf({ readable: parsed.success, failedReason: data.failedReason, errorKind: data.errorKind }),
    notificationId: job?.notificationId ?? null,
    target: carried
      ? { affiliatePostbackId: job.affiliatePostbackId ?? null, alertRuleId: job.alertRuleId ?? null, transactionId: job.transactionId ?? null }
      : undefined,
  };
}

/** Whether the filter names who a notification was for (and so needs the target of every entry it looks at). */
export function filtersByTarget(filter: DeliveryDeadLetterFilter): boolean {
  return filter.affiliate_postback_id !== undefined || filter.alert_rule_id !== undefined || filter.transaction_id !== undefined;
}

/**
 * Whether the filter's own fields take an entry whose target is `target` (ids, time and kind are the scan's). An
 * entry whose target is unknown (an unreadable job, or an old one whose notification is gone) matches no target field.
 */
export function matchesTarget(target: NotificationTarget | undefined, filter: DeliveryDeadLetterFilter): boolean {
  if (!filtersByTarget(filter)) return true;
  if (!target) return false;
  return (
    (filter.affiliate_postback_id === undefined || target.affiliatePostbackId === filter.affiliate_postback_id) &&
    (filter.alert_rule_id === undefined || target.alertRuleId === filter.alert_rule_id) &&
    (filter.transaction_id === undefined || target.transactionId === filter.transaction_id)
  );
}
