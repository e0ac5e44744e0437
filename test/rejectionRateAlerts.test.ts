// Rejection-rate alert rules: evaluated against the conversions of their scope and window, notified once per
// crossing (and once on recovery when asked), through the outbox; scheduled on the maintenance queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlertRules } from '../apps/worker/src/notifications/alertEvaluation.js';
import { openDeliveryQueue } from './helpers/affiliateOutboxFixtures.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { startInProcessWorker } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('rejection_rate_alerts', { ALERT_EVALUATION_INTERVAL_MS: '1000' });
});

afterAll(async () => {
  await t?.teardown();
});

/** `approved` approved and `rejected` rejected conversions of the offer, created `ago` (an SQL interval) ago. */
async function givenConversions(offerId: number, counts: { approved?: number; rejected?: number }, ago = '1 minute'): Promise<void> {
  const created = await Promise.all([
    ...Array.from({ length: counts.approved ?? 0 }, () => givenConversion(t.prisma, { offerId })),
    ...Array.from({ length: counts.rejected ?? 0 }, () => givenConversion(t.prisma, { offerId, status: 'rejected', rejectedReason: 'fraud' })),
  ]);
  await t.prisma.$executeRaw`UPDATE conversions SET created_at = now() - ${ago}::interval WHERE id = ANY(${created.map((c) => c.id)}::bigint[])`;
}

async function givenRule(scope: { offerId: number } | { advertiserId: number }, opts: { minConversions?: number; maxRate?: number; notifyResolved?: boolean } = {}) {
  return t.prisma.alertRule.create({
    data: {
      ...scope,
      windowMinutes: 60,
      minConversions: opts.minConversions ?? 10,
      maxRejectionRatePercent: opts.maxRate ?? 30,
      webhookUrl: 'https://hooks.example/alerts',
      notifyResolved: opts.notifyResolved ?? false,
    },
  });
}

const notificationsOf = (alertRuleId: number) => t.prisma.notification.findMany({ where: { alertRuleId }, orderBy: { createdAt: 'asc' } });
const stateOf = async (id: number) => t.prisma.alertRule.findUniqueOrThrow({ where: { id } });

describe('evaluating the rules', () => {
  it('fires one notification when the rate crosses the threshold, with the Slack-compatible request', async () => {
    const offer = await givenOffer(t.prisma);
    const rule = await givenRule({ offerId: offer.id });
    await givenConversions(offer.id, { approved: 6, rejected: 4 });

    await evaluateAlertRules(t.prisma);
    const [n, ...more] = await notificationsOf(rule.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ event: 'alert.firing', state: 'waiting', affiliatePostbackId: null });
    expect(n!.dueAt.getTime()).toBe(n!.firstChangedAt.getTime());
    const request = n!.request as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(request).toMatchObject({ method: 'POST', url: 'https://hooks.example/alerts', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(request.body)).toEqual({
      text: `Rejection rate of offer ${offer.id} (${offer.name}) is 40.0% over the last 60 min (4 of 10 conversions), above the 30% threshold`,
      rule_id: rule.id,
      state: 'firing',
      scope: { offer_id: offer.id },
      rate_percent: 40,
      conversions: 10,
      rejected: 4,
      window_minutes: 60,
    });
    expect(await stateOf(rule.id)).toMatchObject({ state: 'firing', lastConversions: 10, lastRejected: 4 });
  });

  it('does not notify again while the rate stays above, nor on recovery unless asked', async () => {
    const offer = await givenOffer(t.prisma);
    const rule = await givenRule({ offerId: offer.id });
    await givenConversions(offer.id, { approved: 5, rejected: 5 });
    await evaluateAlertRules(t.prisma);
    await givenConversions(offer.id, { rejected: 2 });
    await evaluateAlertRules(t.prisma);
    expect((await notificationsOf(rule.id)).map((n) => n.event)).toEqual(['alert.firing']);
    expect(await stateOf(rule.id)).toMatchObject({ state: 'firing', lastConversions: 12, lastRejected: 7 });

    await givenConversions(offer.id, { approved: 20 });
    await evaluateAlertRules(t.prisma);
    expect((await notificationsOf(rule.id)).map((n) => n.event)).toEqual(['alert.firing']);
    expect(await stateOf(rule.id)).toMatchObject({ state: 'ok', lastConversions: 32 });
  });

  it('notifies alert.resolved once when the rate falls back, for a rule that asks, and fires again on a new crossing', async () => {
    const offer = await givenOffer(t.prisma);
    const rule = await givenRule({ offerId: offer.id }, { notifyResolved: true });
    await givenConversions(offer.id, { approved: 5, rejected: 5 });
    await evaluateAlertRules(t.prisma);
    await givenConversions(offer.id, { approved: 20 });
    await evaluateAlertRules(t.prisma);
    await evaluateAlertRules(t.prisma);
    const events = await notificationsOf(rule.id);
    expect(events.map((n) => n.event)).toEqual(['alert.firing', 'alert.resolved']);
    expect(JSON.parse((events[1]!.request as { body: string }).body)).toMatchObject({ state: 'resolved', conversions: 30, rejected: 5 });

    await givenConversions(offer.id, { rejected: 20 });
    await evaluateAlertRules(t.prisma);
    expect((await notificationsOf(rule.id)).map((n) => n.event)).toEqual(['alert.firing', 'alert.resolved', 'alert.firing']);
  });

  it('needs min_conversions in the window before it fires', async () => {
    const offer = await givenOffer(t.prisma);
    const rule = await givenRule({ offerId: offer.id }, { minConversions: 10 });
    await givenConversions(offer.id, { rejected: 9 });
    // Conversions created before the window do not count.
    await givenConversions(offer.id, { rejected: 5 }, '2 hours');
    await evaluateAlertRules(t.prisma);
    expect(await notificationsOf(rule.id)).toEqual([]);
    expect(await stateOf(rule.id)).toMatchObject({ state: 'ok', lastConversions: 9, lastRejected: 9 });

    await givenConversions(offer.id, { rejected: 1 });
    await evaluateAlertRules(t.prisma);
    expect((await notificationsOf(rule.id)).map((n) => n.event)).toEqual(['alert.firing']);
  });

  it("watches every offer of an advertiser for an advertiser's rule, and skips deleted rules", async () => {
    const first = await givenOffer(t.prisma);
    const second = await givenOffer(t.prisma, first.advertiserId);
    const rule = await givenRule({ advertiserId: first.advertiserId }, { minConversions: 4, maxRate: 50 });
    const deleted = await givenRule({ offerId: first.id }, { minConversions: 1 });
    await t.prisma.alertRule.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    await givenConversions(first.id, { approved: 1, rejected: 2 });
    await givenConversions(second.id, { rejected: 1 });

    await evaluateAlertRules(t.prisma);
    expect(await stateOf(rule.id)).toMatchObject({ state: 'firing', lastConversions: 4, lastRejected: 3 });
    expect(await notificationsOf(deleted.id)).toEqual([]);
    expect(await stateOf(deleted.id)).toMatchObject({ state: 'ok', lastEvaluatedAt: null });
  });
});

describe('the schedule', () => {
  it('evaluates the rules on the maintenance queue and hands the alert to the delivery queue', async () => {
    // The rules of the tests above stay as they are: only this one is live.
    await t.prisma.alertRule.updateMany({ data: { deletedAt: new Date() } });
    const offer = await givenOffer(t.prisma);
    const rule = await givenRule({ offerId: offer.id }, { minConversions: 2 });
    await givenConversions(offer.id, { rejected: 2 });
    const worker = startInProcessWorker(t.cfg);
    const deliveries = openDeliveryQueue(t.cfg);
    try {
      const [n] = await eventually(async () => {
        const found = await notificationsOf(rule.id);
        return found.length > 0 && found;
      }, 30_000, 'the alert notification');
      const job = await eventually(async () => (await deliveries.queue.getJob(n!.id)) ?? undefined, 20_000, 'its delivery job');
      expect(job.data).toEqual({ v: 1, notificationId: n!.id, affiliatePostbackId: null, alertRuleId: rule.id, transactionId: null });
    } finally {
      await deliveries.close();
      await worker.close();
    }
  });
});
