import type { Job } from 'bullmq';
import type { DeadLetterData } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import type { DeadLetterSource } from './deadLetterSource.js';
import {
  deliveryDeadLetterFactsOf,
  deliveryDeadLetterFilterSchema,
  filtersByTarget,
  matchesTarget,
  type DeliveryDeadLetterFacts,
  type DeliveryDeadLetterFilter,
  type NotificationTarget,
} from './deliveryDeadLetterFilter.js';

/**
 * The targets of the entries whose job predates the relay copying them (by notification id), in one query: such a
 * job is still found by affiliate postback, alert rule or transaction, and listed with them. A notification the
 * retention has deleted since stays unknown.
 */
async function completed(deps: AdminDeps, facts: DeliveryDeadLetterFacts[]): Promise<Array<NotificationTarget | undefined>> {
  const missing = [...new Set(facts.filter((f) => !f.target && f.notificationId).map((f) => f.notificationId!))];
  if (missing.length === 0) return facts.map((f) => f.target);
  const rows = await deps.prisma.notification.findMany({
    where: { id: { in: missing } },
    select: { id: true, affiliatePostbackId: true, alertRuleId: true, transactionId: true },
  });
  const byId = new Map(rows.map(({ id, ...target }) => [id, target]));
  return facts.map((f) => f.target ?? (f.notificationId ? byId.get(f.notificationId) : undefined));
}

/** One dead-lettered delivery as `dlq list --queue deliveries` and GET /admin/dlq?queue=deliveries show it. */
function deliverySummaryOf(job: Job<DeadLetterData>, facts: DeliveryDeadLetterFacts, target: NotificationTarget | undefined) {
  return {
    id: job.id!,
    readable: facts.notificationId !== null,
    notification_id: facts.notificationId,
    affiliate_postback_id: target?.affiliatePostbackId ?? null,
    alert_rule_id: target?.alertRuleId ?? null,
    transaction_id: target?.transactionId ?? null,
    error: job.data.failedReason,
    error_kind: facts.errorKind,
    attempts: job.data.attemptsMade,
    errors: job.data.errors,
    dead_lettered_at: new Date(job.data.deadLetteredAt).toISOString(),
  };
}
export type DeliveryDeadLetterSummary = ReturnType<typeof deliverySummaryOf>;

/**
 * The affiliate notifications' delivery queue and its dead-letter queue (`queue=deliveries`): the notifications whose
 * delivery failed for good. A replay puts the job back under its notification's id; the delivery worker then sends
 * the notification's stored request again.
 */
export const deliveryDeadLetterSource: DeadLetterSource<DeliveryDeadLetterFilter, DeliveryDeadLetterSummary> = {
  queue: 'deliveries',
  noun: 'dead-lettered delivery',
  filterSchema: deliveryDeadLetterFilterSchema,
  async places(deps) {
    return [{ shard: 'deliveries', pair: deps.deliveryQueues.pair }];
  },
  timeAndKindOf(data) {
    const { deadLetteredAt, errorKind } = deliveryDeadLetterFactsOf(data);
    return { deadLetteredAt, errorKind };
  },
  async matching(deps, page, filter) {
    const facts = page.map(deliveryDeadLetterFactsOf);
    // Only a filter by target needs the old entries' looked up.
    const targets = filtersByTarget(filter) ? await completed(deps, facts) : facts.map((f) => f.target);
    return targets.map((target) => matchesTarget(target, filter));
  },
  async summaries(deps, entries) {
    const facts = entries.map(({ job }) => deliveryDeadLetterFactsOf(job.data));
    const targets = await completed(deps, facts);
    return entries.map(({ job }, i) => deliverySummaryOf(job, facts[i]!, targets[i]));
  },
};
