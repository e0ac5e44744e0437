import type { AlertRule } from '../api/affiliateTypes';
import { formatTime } from '../format/format';

/** A window in the largest unit it is a whole number of: 45 min, 2 h, 7 d. */
export function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** When the rule fires, in the words of its evaluation: "above 30 % of at least 20 conversions in 1 h". */
export function thresholdText(rule: Pick<AlertRule, 'max_rejection_rate_percent' | 'min_conversions' | 'window_minutes'>): string {
  const conversions = rule.min_conversions === 1 ? '1 conversion' : `${rule.min_conversions} conversions`;
  return `above ${rule.max_rejection_rate_percent} % of at least ${conversions} in ${windowText(rule.window_minutes)}`;
}

/** What the last evaluation saw: "21 of 50 rejected (42.0 %) at 2026-12-03 09:00:00", or that there was none yet. */
export function evaluationText(rule: Pick<AlertRule, 'last_conversions' | 'last_rejected' | 'last_evaluated_at'>): string {
  if (rule.last_evaluated_at === null || rule.last_conversions === null || rule.last_rejected === null) return 'not evaluated yet';
  const at = formatTime(rule.last_evaluated_at);
  if (rule.last_conversions === 0) return `no conversions in the window at ${at}`;
  const rate = ((rule.last_rejected / rule.last_conversions) * 100).toFixed(1);
  return `${rule.last_rejected} of ${rule.last_conversions} rejected (${rate} %) at ${at}`;
}

/**
 * A webhook URL as the console shows it: where it goes (its origin) and the last four characters of the rest, to
 * tell two apart. The rest is the secret of a Slack incoming webhook (the audit log leaves it out for that reason).
 */
export function maskedWebhook(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '****';
  }
  const rest = `${parsed.pathname}${parsed.search}`;
  if (rest === '/' || rest === '') return parsed.origin;
  return `${parsed.origin}/…${rest.length > 8 ? rest.slice(-4) : ''}`;
}
