import type { AlertRuleInput } from '../api/affiliateTypes';

/** The API's bound of window_minutes: a week. */
export const MAX_WINDOW_MINUTES = 10_080;

export type AlertScope = 'offer' | 'advertiser';

/** The create form's values, as its inputs hold them. */
export interface AlertRuleFormValues {
  scope: AlertScope;
  /** The offer's or the advertiser's id, as its select holds it; '' until one is chosen. */
  scopeId: string;
  windowMinutes: string;
  minConversions: string;
  maxRatePercent: string;
  webhookUrl: string;
  notifyResolved: boolean;
}

export const EMPTY_ALERT_RULE_FORM: AlertRuleFormValues = {
  scope: 'offer',
  scopeId: '',
  windowMinutes: '60',
  minConversions: '20',
  maxRatePercent: '30',
  webhookUrl: '',
  notifyResolved: false,
};

/** What the form refuses before asking the API, naming the API's field so the same input is marked. */
export class AlertRuleFormError extends Error {
  constructor(
    readonly field: 'offer_id' | 'advertiser_id' | 'window_minutes' | 'min_conversions' | 'max_rejection_rate_percent' | 'webhook_url',
    message: string,
  ) {
    super(message);
    this.name = 'AlertRuleFormError';
  }
}

const wholeNumber = (text: string, min: number, max: number): number | undefined =>
  /^\d{1,10}$/.test(text.trim()) && Number(text) >= min && Number(text) <= max ? Number(text) : undefined;

/**
 * The body of POST /admin/alert-rules from the form: exactly one of offer_id and advertiser_id, as the API wants.
 * Throws AlertRuleFormError for what cannot be sent; the webhook URL's shape is the API's to judge.
 */
export function alertRuleInputOf(form: AlertRuleFormValues): AlertRuleInput {
  const scopeField = form.scope === 'offer' ? 'offer_id' : 'advertiser_id';
  const scopeId = wholeNumber(form.scopeId, 1, 2_147_483_647);
  if (scopeId === undefined) throw new AlertRuleFormError(scopeField, `choose the ${form.scope}`);
  const windowMinutes = wholeNumber(form.windowMinutes, 1, MAX_WINDOW_MINUTES);
  if (windowMinutes === undefined) throw new AlertRuleFormError('window_minutes', `the window is a whole number of minutes from 1 to ${MAX_WINDOW_MINUTES}`);
  const minConversions = wholeNumber(form.minConversions, 1, 2_147_483_647);
  if (minConversions === undefined) throw new AlertRuleFormError('min_conversions', 'the minimum of conversions is a whole number, at least 1');
  const rate = form.maxRatePercent.trim();
  if (!/^\d{1,3}(\.\d+)?$/.test(rate) || Number(rate) > 100) {
    throw new AlertRuleFormError('max_rejection_rate_percent', 'the threshold is a percentage from 0 to 100');
  }
  const webhookUrl = form.webhookUrl.trim();
  if (webhookUrl === '') throw new AlertRuleFormError('webhook_url', 'give the webhook URL to post to');
  return {
    ...(form.scope === 'offer' ? { offer_id: scopeId } : { advertiser_id: scopeId }),
    window_minutes: windowMinutes,
    min_conversions: minConversions,
    max_rejection_rate_percent: Number(rate),
    webhook_url: webhookUrl,
    notify_resolved: form.notifyResolved,
  };
}
