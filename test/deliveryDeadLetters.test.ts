// The deliveries' dead-letter queue through the admin API (queue=deliveries): the real delivery worker dead-letters
// notifications a loopback affiliate answers 404; an operator lists, shows, filters, replays (by id and by filter,
// once the affiliate answers 200) and purges them. The postbacks' queue stays the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryJobOf, DELIVERY_JOB_NAME, deliveryJobOptions } from '@postback/core';
import { createWorkerMetrics } from '../apps/worker/src/metrics.js';
import { startDeliveryWorker, type DeliveryWorker } from '../apps/worker/src/notifications/deliveryWorker.js';
import type { ReplayRecord } from '../apps/admin/src/services/dlqReplays.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import {
  givenNotificationTo,
  handToDelivery,
  notificationOf,
  silentLogger,
  startAffiliateServer,
  type AffiliateServer,
} from './helpers/affiliateDeliveryFixtures.js';
import { eventually } from './helpers/testEnvironment.js';

const TOKEN = 'delivery-dlq-admin-token-0123456789';
const served = useAdminApi('delivery_dlq', TOKEN, {
  env: { OUTBOUND_ALLOW_PRIVATE: 'true', DELIVERY_ATTEMPTS: '1', DLQ_REPLAY_RATE_PER_SECOND: '10000' },
  replays: true,
});
let delivery: DeliveryWorker;
let affiliate: AffiliateServer;
// What the affiliate answers: 404 until the test says it is fixed.
let status = 404;

beforeAll(async () => {
  delivery = startDeliveryWorker({ cfg: served.t.cfg, prisma: served.t.prisma, logger: silentLogger(), metrics: createWorkerMetrics() });
  affiliate = await startAffiliateServer((_req, res) => {
    res.writeHead(status);
    res.end(status === 404 ? 'no such campaign' : 'ok');
  });
});

afterAll(async () => {
  await delivery?.close();
  await affiliate?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${served.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A notification of an affiliate postback (a new one, or `postback`'s) handed to the delivery queue as the relay does now. */
async function givenNotification(publisherOf?: { postbackId: number }) {
  const given = await givenNotificationTo(served.t.prisma, { url: `${affiliate.baseUrl}/pb?t={transaction_id}` });
  if (publisherOf) {
    await served.t.prisma.notification.update({ where: { id: given.notificationId }, data: { affiliatePostbackId: publisherOf.postbackId } });
    given.postbackId = publisherOf.postbackId;
  }
  const pair = delivery.pair;
  const data = deliveryJobOf({ id: given.notificationId, affiliatePostbackId: given.postbackId, alertRuleId: null, transactionId: given.transactionId });
  await pair.source.add(DELIVERY_JOB_NAME, data, deliveryJobOptions(served.t.cfg, given.notificationId));
  return given;
}

const deadLettered = (id: string) => eventually(async () => (await delivery.pair.deadLetters.getJob(id)) ?? undefined, 20_000, `${id} dead-lettered`);
const delivered = (id: string) =>
  eventually(async () => ((await notificationOf(served.t.prisma, id)).state === 'delivered' ? true : undefined), 20_000, `${id} delivered`);

describe('the deliveries dead-letter queue', () => {
  it('lists, shows, filters, replays by id and by filter, deletes and purges dead-lettered deliveries', async () => {
    const a1 = await givenNotification();
    const a2 = await givenNotification({ postbackId: a1.postbackId });
    const b = await givenNotification();
    // Handed before the relay copied who it is for: found through its notification.
    const old = await givenNotificationTo(served.t.prisma, { url: `${affiliate.baseUrl}/old` });
    await handToDelivery(served.t.cfg, delivery.pair, old.notificationId);
    for (const n of [a1, a2, b, old]) await deadLettered(n.notificationId);
    expect((await notificationOf(served.t.prisma, a1.notificationId)).state).toBe('failed');

    const list = await call('GET', '/admin/dlq?queue=deliveries');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(4);
    const jobs = list.body.jobs as Array<Record<string, unknown>>;
    expect(jobs.find((j) => j.id === a1.notificationId)).toMatchObject({
      notification_id: a1.notificationId,
      affiliate_postback_id: a1.postbackId,
      alert_rule_id: null,
      transaction_id: a1.transactionId,
      readable: true,
      attempts: 1,
      error_kind: 'FailedDeliveryError',
    });
    expect(String(jobs[0]!.error)).toContain('404');
    expect(jobs.find((j) => j.id === old.notificationId)).toMatchObject({ affiliate_postback_id: old.postbackId, transaction_id: old.transactionId });
    // The postbacks' queue is still the default, and holds none of them.
    expect((await call('GET', '/admin/dlq')).body).toEqual({ total: 0, jobs: [] });

    expect((await call('GET', `/admin/dlq/${a2.notificationId}?queue=deliveries`)).body).toMatchObject({ id: a2.notificationId, affiliate_postback_id: a1.postbackId });
    expect((await call('GET', `/admin/dlq/${a2.notificationId}`)).status).toBe(404);

    // A field of the postbacks' filter does not apply here: a 400 naming it, not a filter that takes everything.
    const inapplicable = await call('POST', '/admin/dlq/replays', { queue: 'deliveries', filter: { endpoint_id: 1 }, dry_run: true });
    expect(inapplicable.status).toBe(400);
    expect(String(inapplicable.body.error)).toContain('endpoint_id');
    expect((await call('POST', '/admin/dlq/replays', { queue: 'sideways', filter: {} })).status).toBe(400);

    const byPostback = await call('POST', '/admin/dlq/replays', { queue: 'deliveries', filter: { affiliate_postback_id: a1.postbackId }, dry_run: true });
    expect(byPostback.body).toMatchObject({ dry_run: true, matched: 2 });
    const oldOnes = await call('POST', '/admin/dlq/replays', { queue: 'deliveries', filter: { affiliate_postback_id: old.postbackId }, dry_run: true });
    expect(oldOnes.body).toMatchObject({ matched: 1 });
    const byTransaction = await call('POST', '/admin/dlq/replays', { queue: 'deliveries', filter: { transaction_id: b.transactionId }, dry_run: true });
    expect(byTransaction.body).toMatchObject({ matched: 1 });

    // The affiliate fixed its server: a replay sends the stored request again.
    status = 200;
    const byId = await call('POST', '/admin/dlq/replay', { queue: 'deliveries', ids: [a1.notificationId] });
    expect(byId.body).toMatchObject({ replayed: 1, ids: [a1.notificationId], missing: [] });
    await delivered(a1.notificationId);

    const started = await call('POST', '/admin/dlq/replays', { queue: 'deliveries', filter: { affiliate_postback_id: a1.postbackId } });
    expect(started.status).toBe(202);
    const record = (await served.replays.settled(String(started.body.id))) as ReplayRecord;
    expect(record).toMatchObject({ status: 'completed', matched: 1, replayed: 1, filter: { affiliate_postback_id: a1.postbackId } });
    expect(record.queue).toContain('deliveries-dead');
    await delivered(a2.notificationId);
    expect(affiliate.received.filter((r) => r.url === `/pb?t=${encodeURIComponent(a2.transactionId)}`)).toHaveLength(2);

    expect((await call('DELETE', `/admin/dlq/${b.notificationId}`)).status).toBe(404);
    expect((await call('DELETE', `/admin/dlq/${b.notificationId}?queue=deliveries`)).body).toEqual({ deleted: b.notificationId });

    const unconfirmed = await call('POST', '/admin/dlq/purge', { queue: 'deliveries', filter: {} });
    expect(unconfirmed).toMatchObject({ status: 400, body: { would_purge: 1 } });
    expect((await call('POST', '/admin/dlq/purge', { queue: 'deliveries', filter: {}, confirm: true })).body).toEqual({ purged: 1 });
    expect((await call('GET', '/admin/dlq?queue=deliveries')).body).toEqual({ total: 0, jobs: [] });
    // Purged is purged: the old notification stays failed, never sent again.
    expect((await notificationOf(served.t.prisma, old.notificationId)).state).toBe('failed');
  });
});
