import { describe, expect, it } from 'vitest';
import { AlertRuleFormError, alertRuleInputOf, EMPTY_ALERT_RULE_FORM } from './alertRuleForm';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AlertRuleFormError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('not refused');
};

describe('the alert rule form', () => {
  it('sends an offer rule with exactly its offer, numbers as numbers', () => {
    expect(alertRuleInputOf({ ...EMPTY_ALERT_RULE_FORM, scopeId: '7', maxRatePercent: '12.5', webhookUrl: ' https://hooks.example/T1 ' })).toEqual({
      offer_id: 7,
      window_minutes: 60,
      min_conversions: 20,
      max_rejection_rate_percent: 12.5,
      webhook_url: 'https://hooks.example/T1',
      notify_resolved: false,
    });
  });

  it('sends an advertiser rule with exactly its advertiser, and notify_resolved when asked', () => {
    const body = alertRuleInputOf({ ...EMPTY_ALERT_RULE_FORM, scope: 'advertiser', scopeId: '3', webhookUrl: 'https://h.example/', notifyResolved: true });
    expect(body).toMatchObject({ advertiser_id: 3, notify_resolved: true });
    expect(body).not.toHaveProperty('offer_id');
  });

  it.each([
    [{ scopeId: '' }, 'offer_id'],
    [{ scope: 'advertiser' as const, scopeId: '' }, 'advertiser_id'],
    [{ windowMinutes: '0' }, 'window_minutes'],
    [{ windowMinutes: '10081' }, 'window_minutes'],
    [{ windowMinutes: '1.5' }, 'window_minutes'],
    [{ minConversions: '0' }, 'min_conversions'],
    [{ maxRatePercent: '100.5' }, 'max_rejection_rate_percent'],
    [{ maxRatePercent: '-1' }, 'max_rejection_rate_percent'],
    [{ maxRatePercent: '' }, 'max_rejection_rate_percent'],
    [{ webhookUrl: '  ' }, 'webhook_url'],
  ])('refuses %o, naming the field %s', (change, field) => {
    expect(refusal(() => alertRuleInputOf({ ...EMPTY_ALERT_RULE_FORM, scopeId: '7', webhookUrl: 'https://h.example/', ...change })).field).toBe(field);
  });

  it('takes the bounds themselves: a week, 0 % and 100 %', () => {
    const base = { ...EMPTY_ALERT_RULE_FORM, scopeId: '7', webhookUrl: 'https://h.example/' };
    expect(alertRuleInputOf({ ...base, windowMinutes: '10080', maxRatePercent: '0' })).toMatchObject({ window_minutes: 10_080, max_rejection_rate_percent: 0 });
    expect(alertRuleInputOf({ ...base, windowMinutes: '1', maxRatePercent: '100' })).toMatchObject({ window_minutes: 1, max_rejection_rate_percent: 100 });
  });
});
