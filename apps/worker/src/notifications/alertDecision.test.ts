import { describe, expect, it } from 'vitest';
import { alertRequest, decideAlert, type AlertRuleView } from './alertDecision.js';

const rule = (over: Partial<AlertRuleView> = {}): AlertRuleView & { webhookUrl: string } => ({
  id: 4,
  scope: { offer_id: 7 },
  scopeName: 'Summer promo',
  windowMinutes: 60,
  minConversions: 10,
  maxRejectionRatePercent: 30,
  notifyResolved: false,
  state: 'ok',
  webhookUrl: 'https://hooks.example/alert',
  ...over,
});

describe('decideAlert', () => {
  it.each([
    ['ok, above: fires', rule(), { conversions: 50, rejected: 21 }, { state: 'firing', event: 'alert.firing' }],
    ['ok, at the threshold: stays ok', rule(), { conversions: 10, rejected: 3 }, { state: 'ok', event: null }],
    ['ok, above but too few conversions: stays ok', rule(), { conversions: 9, rejected: 9 }, { state: 'ok', event: null }],
    ['ok, no conversions: stays ok', rule({ minConversions: 1 }), { conversions: 0, rejected: 0 }, { state: 'ok', event: null }],
    ['firing, still above: no second notification', rule({ state: 'firing' }), { conversions: 50, rejected: 40 }, { state: 'firing', event: null }],
    ['firing, below, notify_resolved off: ok, silently', rule({ state: 'firing' }), { conversions: 50, rejected: 1 }, { state: 'ok', event: null }],
    ['firing, below, notify_resolved on: resolved', rule({ state: 'firing', notifyResolved: true }), { conversions: 50, rejected: 1 }, { state: 'ok', event: 'alert.resolved' }],
    ['firing, too few conversions now: resolved', rule({ state: 'firing', notifyResolved: true }), { conversions: 2, rejected: 2 }, { state: 'ok', event: 'alert.resolved' }],
  ] as const)('%s', (_, r, counts, expected) => {
    expect(decideAlert(r, counts)).toMatchObject(expected);
  });
});

describe('alertRequest', () => {
  it('posts Slack-compatible JSON naming the scope, the rate and the threshold', () => {
    const r = rule();
    const counts = { conversions: 50, rejected: 21 };
    const request = alertRequest(r, counts, decideAlert(r, counts));
    expect(request).toMatchObject({ method: 'POST', url: 'https://hooks.example/alert', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(request.body)).toEqual({
      text: 'Rejection rate of offer 7 (Summer promo) is 42.0% over the last 60 min (21 of 50 conversions), above the 30% threshold',
      rule_id: 4,
      state: 'firing',
      scope: { offer_id: 7 },
      rate_percent: 42,
      conversions: 50,
      rejected: 21,
      window_minutes: 60,
    });
  });

  it('says resolved when the rate falls back', () => {
    const r = rule({ state: 'firing', notifyResolved: true, scope: { advertiser_id: 3 }, scopeName: 'Acme', maxRejectionRatePercent: 12.5 });
    const counts = { conversions: 40, rejected: 2 };
    const body = JSON.parse(alertRequest(r, counts, decideAlert(r, counts)).body) as { text: string; state: string };
    expect(body).toMatchObject({
      state: 'resolved',
      text: 'Rejection rate of advertiser 3 (Acme) is 5.0% over the last 60 min (2 of 40 conversions), back at or below the 12.5% threshold',
    });
  });
});
