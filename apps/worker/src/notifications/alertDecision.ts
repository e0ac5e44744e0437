/** An alert rule as the evaluation reads it, with the name of what it watches. */
export interface AlertRuleView {
  id: number;
  scope: { advertiser_id: number } | { offer_id: number };
  /** The offer's or advertiser's name, for the message. */
  scopeName: string;
  windowMinutes: number;
  minConversions: number;
  maxRejectionRatePercent: number;
  notifyResolved: boolean;
  state: 'ok' | 'firing';
}

/** The scope's conversions created within the rule's window, and how many of them are rejected now. */
export interface WindowCounts {
  conversions: number;
  rejected: number;
}

export type AlertEvent = 'alert.firing' | 'alert.resolved';

export interface AlertDecision {
  state: 'ok' | 'firing';
  /** The notification to send, or null: none on a steady state, nor on recovery unless notify_resolved. */
  event: AlertEvent | null;
  ratePercent: number;
}

/**
 * The rule's next state. Above = at least min_conversions seen and more than the threshold rejected. A state
 * change is notified once (firing; resolved only when asked), never repeated while it holds.
 */
export function decideAlert(rule: AlertRuleView, counts: WindowCounts): AlertDecision {
  const ratePercent = counts.conversions === 0 ? 0 : (counts.rejected / counts.conversions) * 100;
  const above = counts.conversions >= rule.minConversions && ratePercent > rule.maxRejectionRatePercent;
  if (rule.state === 'ok' && above) return { state: 'firing', event: 'alert.firing', ratePercent };
  if (rule.state === 'firing' && !above) return { state: 'ok', event: rule.notifyResolved ? 'alert.resolved' : null, ratePercent };
  return { state: rule.state, event: null, ratePercent };
}

/** The stored request of an alert's notification: a Slack-compatible JSON POST to the rule's webhook. */
export interface AlertRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function alertRequest(rule: AlertRuleView & { webhookUrl: string }, counts: WindowCounts, decision: AlertDecision): AlertRequest {
  const state = decision.event === 'alert.firing' ? 'firing' : 'resolved';
  const what = 'offer_id' in rule.scope ? `offer ${rule.scope.offer_id}` : `advertiser ${rule.scope.advertiser_id}`;
  const threshold = `${formatNumber(rule.maxRejectionRatePercent)}%`;
  const where = state === 'firing' ? `above the ${threshold} threshold` : `back at or below the ${threshold} threshold`;
  const text =
    `Rejection rate of ${what} (${rule.scopeName}) is ${decision.ratePercent.toFixed(1)}% over the last ` +
    `${rule.windowMinutes} min (${counts.rejected} of ${counts.conversions} conversions), ${where}`;
  const body = {
    text,
    rule_id: rule.id,
    state,
    scope: rule.scope,
    rate_percent: Math.round(decision.ratePercent * 100) / 100,
    conversions: counts.conversions,
    rejected: counts.rejected,
    window_minutes: rule.windowMinutes,
  };
  return { method: 'POST', url: rule.webhookUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** 30 → "30", 12.5 → "12.5": a threshold as an operator typed it. */
function formatNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}
