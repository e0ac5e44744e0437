// Issue 14's rejection-rate alert, through the whole pipeline: a rule created through the admin API, rejections sent
// to the receiver, the rule evaluated by the worker's job scheduler, its notifications delivered by the delivery
// worker to a Slack-compatible webhook on loopback.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAffiliateServer, type AffiliateServer } from './helpers/affiliateDeliveryFixtures.js';
import {
  answered,
  givenOfferWithRejectionUrl,
  importConversions,
  rejectThrough,
  startAffiliatePipeline,
  unique,
  type AffiliatePipeline,
} from './helpers/affiliatePipeline.js';
import { eventually } from './helpers/testEnvironment.js';

let p: AffiliatePipeline;
let webhook: AffiliateServer;

beforeAll(async () => {
  p = await startAffiliatePipeline('affiliate_alerts_end_to_end');
  webhook = await startAffiliateServer();
});

afterAll(async () => {
  await webhook?.close();
  await p?.close();
});

interface RuleState {
  state: 'ok' | 'firing';
  last_conversions: number | null;
  last_rejected: number | null;
  last_evaluated_at: string | null;
  state_changed_at: string | null;
}

const ruleOf = async (id: number) => answered(await p.call('GET', `/admin/alert-rules/${id}`), 200) as unknown as RuleState;

/** Waits until an evaluation has seen `conversions` and `rejected`: the rule as it left it. */
function evaluatedWith(id: number, conversions: number, rejected: number): Promise<RuleState> {
  return eventually(async () => {
    const rule = await ruleOf(id);
    return rule.last_conversions === conversions && rule.last_rejected === rejected && rule;
  }, 30_000, `an evaluation of rule ${id} that saw ${rejected} of ${conversions} rejected`);
}

const alertNotificationsOf = (ruleId: number) => p.t.prisma.notification.findMany({ where: { alertRuleId: ruleId }, orderBy: { createdAt: 'asc' } });

it('posts once when the rate crosses the threshold, never again while above, and once on recovery', async () => {
  const { offerId, key } = await givenOfferWithRejectionUrl(p);
  const approved = (count: number) => Array.from({ length: count }, () => ({ transaction_id: unique('tx'), offer_id: offerId, status: 'approved' as const }));
  const first = approved(4);
  await importConversions(p, first);
  const rule = answered(
    await p.call('POST', '/admin/alert-rules', {
      offer_id: offerId,
      window_minutes: 60,
      min_conversions: 4,
      max_rejection_rate_percent: 50,
      webhook_url: `${webhook.baseUrl}/services/T0/B0/x`,
      notify_resolved: true,
    }),
  );
  const ruleId = Number(rule.id);

  // 3 of 4 rejected: 75%, above 50% with the 4 conversions asked for.
  for (const c of first.slice(0, 3)) expect(await rejectThrough(p, key, c.transaction_id, 'fraud')).toBe('rejected');
  const [firing] = await eventually(async () => webhook.received.length >= 1 && [...webhook.received], 30_000, 'the firing alert');
  expect(firing).toMatchObject({ method: 'POST', url: '/services/T0/B0/x' });
  expect(firing!.headers['content-type']).toBe('application/json');
  expect(JSON.parse(firing!.body)).toEqual({
    text: expect.stringMatching(new RegExp(`^Rejection rate of offer ${offerId} \\(offer-.+\\) is 75\\.0% over the last 60 min \\(3 of 4 conversions\\), above the 50% threshold$`)),
    rule_id: ruleId,
    state: 'firing',
    scope: { offer_id: offerId },
    rate_percent: 75,
    conversions: 4,
    rejected: 3,
    window_minutes: 60,
  });

  // Still above (4 of 4): an evaluation sees it and writes nothing more.
  expect(await rejectThrough(p, key, first[3]!.transaction_id, 'fraud')).toBe('rejected');
  expect(await evaluatedWith(ruleId, 4, 4)).toMatchObject({ state: 'firing' });
  expect((await alertNotificationsOf(ruleId)).map((n) => n.event)).toEqual(['alert.firing']);

  // 6 more approved: 4 of 10 is 40%, back below.
  await importConversions(p, approved(6));
  const [, resolved] = await eventually(async () => webhook.received.length >= 2 && [...webhook.received], 30_000, 'the resolved alert');
  expect(JSON.parse(resolved!.body)).toMatchObject({
    text: expect.stringContaining('is 40.0% over the last 60 min (4 of 10 conversions), back at or below the 50% threshold'),
    rule_id: ruleId,
    state: 'resolved',
    rate_percent: 40,
    conversions: 10,
    rejected: 4,
  });

  // An evaluation after the recovery writes nothing either; each notification was delivered once, with its own id.
  const recovered = await ruleOf(ruleId);
  expect(recovered.state).toBe('ok');
  await eventually(async () => {
    const rule = await ruleOf(ruleId);
    return Date.parse(rule.last_evaluated_at!) > Date.parse(recovered.state_changed_at!) && rule;
  }, 30_000, 'an evaluation after the recovery');
  const notifications = await eventually(async () => {
    const all = await alertNotificationsOf(ruleId);
    return all.every((n) => n.state === 'delivered') && all;
  }, 30_000, 'both alerts delivered');
  expect(notifications.map((n) => n.event)).toEqual(['alert.firing', 'alert.resolved']);
  expect(webhook.received.map((r) => r.headers['webhook-id'])).toEqual(notifications.map((n) => n.id));
  const log = await p.call('GET', `/admin/deliveries?alert_rule_id=${ruleId}`);
  expect((log.body.deliveries as Array<{ result: string; notification_id: string }>).map((d) => [d.notification_id, d.result])).toEqual(
    notifications.map((n) => [n.id, 'delivered']).reverse(),
  );
});
