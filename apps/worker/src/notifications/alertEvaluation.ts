import type { PrismaClient } from '@postback/core';
import { alertRequest, decideAlert, type AlertRuleView, type WindowCounts } from './alertDecision.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface AlertEvaluationResult {
  evaluated: number;
  /** Notifications written (alert.firing or alert.resolved): the relay is kicked when there are any. */
  notifications: number;
}

interface RuleRow {
  id: number;
  advertiser_id: number | null;
  offer_id: number | null;
  window_minutes: number;
  min_conversions: number;
  max_rate: number;
  webhook_url: string;
  notify_resolved: boolean;
  state: 'ok' | 'firing';
  scope_name: string;
}

/**
 * Evaluates every live rejection-rate alert rule once (the maintenance job `rejection-rate-alerts`, one run across
 * the fleet per ALERT_EVALUATION_INTERVAL_MS). Each rule in a transaction of its own, under its row lock: the state
 * change and its notification commit together, so an alert is notified once per crossing even if two evaluations
 * ever overlap (the second sees the first's state).
 */
export async function evaluateAlertRules(prisma: PrismaClient, opts: { signal?: AbortSignal } = {}): Promise<AlertEvaluationResult> {
  const rules = await prisma.alertRule.findMany({ where: { deletedAt: null }, select: { id: true }, orderBy: { id: 'asc' } });
  const result: AlertEvaluationResult = { evaluated: 0, notifications: 0 };
  for (const { id } of rules) {
    if (opts.signal?.aborted) break;
    const notified = await prisma.$transaction((tx) => evaluateRule(tx, id), { maxWait: 10_000, timeout: 60_000 });
    if (notified === null) continue;
    result.evaluated += 1;
    if (notified) result.notifications += 1;
  }
  return result;
}

/** Whether the rule wrote a notification; null when it was deleted since the list was read. */
async function evaluateRule(tx: Tx, id: number): Promise<boolean | null> {
  const [row] = await tx.$queryRaw<RuleRow[]>`
    SELECT r.id, r.advertiser_id, r.offer_id, r.window_minutes, r.min_conversions,
           r.max_rejection_rate_percent::float8 AS max_rate, r.webhook_url, r.notify_resolved, r.state::text AS state,
           COALESCE(o.name, a.name) AS scope_name
    FROM alert_rules r
    LEFT JOIN offers o ON o.id = r.offer_id
    LEFT JOIN advertisers a ON a.id = r.advertiser_id
    WHERE r.id = ${id} AND r.deleted_at IS NULL
    FOR UPDATE OF r`;
  if (!row) return null;
  const rule: AlertRuleView & { webhookUrl: string } = {
    id: row.id,
    scope: row.offer_id !== null ? { offer_id: row.offer_id } : { advertiser_id: row.advertiser_id! },
    scopeName: row.scope_name,
    windowMinutes: row.window_minutes,
    minConversions: row.min_conversions,
    maxRejectionRatePercent: row.max_rate,
    notifyResolved: row.notify_resolved,
    state: row.state,
    webhookUrl: row.webhook_url,
  };
  const counts = await countWindow(tx, row);
  const decision = decideAlert(rule, counts);
  await tx.$executeRaw`
    UPDATE alert_rules
    SET state = ${decision.state}::alert_rule_state,
        state_changed_at = CASE WHEN state <> ${decision.state}::alert_rule_state THEN now() ELSE state_changed_at END,
        last_conversions = ${counts.conversions}, last_rejected = ${counts.rejected}, last_evaluated_at = now()
    WHERE id = ${id}`;
  if (decision.event === null) return false;
  // Rendered now, from the numbers that decided it: an alert says what was seen when it fired.
  const request = alertRequest(rule, counts, decision);
  await tx.$executeRaw`
    INSERT INTO notifications (alert_rule_id, event, first_changed_at, due_at, request)
    VALUES (${id}, ${decision.event}, now(), now(), ${JSON.stringify(request)}::jsonb)`;
  return true;
}

/** The scope's conversions created within the window, and how many of those are rejected. */
async function countWindow(tx: Tx, rule: RuleRow): Promise<WindowCounts> {
  const [counts] =
    rule.offer_id !== null
      ? await tx.$queryRaw<WindowCounts[]>`
          SELECT count(*)::int AS conversions, (count(*) FILTER (WHERE status = 'rejected'))::int AS rejected
          FROM conversions
          WHERE offer_id = ${rule.offer_id} AND created_at >= now() - ${rule.window_minutes}::int * interval '1 minute'`
      : await tx.$queryRaw<WindowCounts[]>`
          SELECT count(*)::int AS conversions, (count(*) FILTER (WHERE c.status = 'rejected'))::int AS rejected
          FROM conversions c JOIN offers o ON o.id = c.offer_id
          WHERE o.advertiser_id = ${rule.advertiser_id} AND c.created_at >= now() - ${rule.window_minutes}::int * interval '1 minute'`;
  return counts!;
}
