// The transactional outbox's write side: a rejection that changes a conversion writes the notifications of its
// publisher's affiliate postbacks in the same statement, and the relay hands them to the delivery queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '@postback/core';
import { givenAffiliatePostback, givenPublishedConversion, givenPublisher, openDeliveryQueue } from './helpers/affiliateOutboxFixtures.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  sendPostback,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;
let deliveries: ReturnType<typeof openDeliveryQueue>;
let key: string;
let advertiserId: number;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_outbox');
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  worker = startInProcessWorker(t.cfg);
  deliveries = openDeliveryQueue(t.cfg);
  const offer = await givenOffer(t.prisma);
  advertiserId = offer.advertiserId;
  key = (await givenRejectionUrl(admin, { advertiserId })).key;
});

afterAll(async () => {
  await worker?.close();
  await rx?.stop();
  await deliveries?.close();
  await admin?.close();
  await t?.teardown();
});

/** Sends a rejection through the receiver and waits until the worker has applied it. */
async function reject(transactionId: string, reason: string): Promise<Outcome> {
  const res = await sendPostback(rx.baseUrl, { key, new_rejected_reason: reason, transaction_id: transactionId });
  expect(res.status).toBe(202);
  const postbackId = String(res.body.postback_id);
  return eventually(async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId } }))?.outcome as Outcome | undefined, 20_000, `postback ${postbackId}`);
}

const notificationsOf = (conversionId: bigint) =>
  t.prisma.notification.findMany({ where: { conversionId }, orderBy: { createdAt: 'asc' } });

/** A publisher, an offer of the test's advertiser, and a conversion of both. */
async function givenSetting(status: 'approved' | 'pending' | 'rejected' = 'approved', rejectedReason: string | null = null) {
  const publisher = await givenPublisher(t.prisma);
  const offer = await givenOffer(t.prisma, advertiserId);
  const conversion = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id, status, rejectedReason });
  return { publisher, offer, conversion };
}

describe('a rejection of a conversion whose publisher has an affiliate postback', () => {
  it('writes exactly one notification, and the relay hands it to the delivery queue not to run before it is due', async () => {
    const { publisher, conversion } = await givenSetting();
    const postback = await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 2 });

    expect(await reject(conversion.transactionId, 'fraud')).toBe('rejected');
    const [n, ...more] = await notificationsOf(conversion.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({
      affiliatePostbackId: postback.id,
      transactionId: conversion.transactionId,
      event: 'rejected',
      previousStatus: 'approved',
      previousReason: null,
      request: null,
    });
    expect(n!.dueAt.getTime() - n!.firstChangedAt.getTime()).toBe(2000);

    const job = await eventually(async () => (await deliveries.queue.getJob(n!.id)) ?? undefined, 20_000, 'the delivery job');
    expect(job.data).toEqual({ v: 1, notificationId: n!.id, affiliatePostbackId: postback.id, alertRuleId: null, transactionId: conversion.transactionId });
    expect(job.opts).toMatchObject({ jobId: n!.id, attempts: t.cfg.DELIVERY_ATTEMPTS, backoff: { type: 'delivery' } });
    // Delayed until the notification is due (a few ms of rounding aside), however early the relay handed it. The
    // delay it was added with (opts): the worker's delivery worker may have tried it since and set a backoff.
    expect(job.timestamp + (job.opts.delay ?? 0)).toBeGreaterThanOrEqual(n!.dueAt.getTime() - 5);
    // The relay commits handed_at just after the add to Redis.
    await eventually(async () => (await t.prisma.notification.findUniqueOrThrow({ where: { id: n!.id } })).handedAt ?? undefined, 20_000, 'handed_at');
  });

  it('hands a notification with no delay to the delivery queue right after the commit', async () => {
    const { publisher, conversion } = await givenSetting();
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 0 });
    await reject(conversion.transactionId, 'fraud');
    const [n] = await notificationsOf(conversion.id);
    expect(n!.dueAt.getTime()).toBe(n!.firstChangedAt.getTime());
    const job = await eventually(async () => (await deliveries.queue.getJob(n!.id)) ?? undefined, 20_000, 'the delivery job');
    // As added (the delivery worker may have retried it since, with a backoff of its own).
    expect(job.opts.delay ?? 0).toBe(0);
  });

  it('writes one notification per matching affiliate postback of the publisher', async () => {
    const { publisher, conversion } = await givenSetting();
    const a = await givenAffiliatePostback(t.prisma, { publisherId: publisher.id });
    const b = await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, url: 'https://other.example/{transaction_id}' });
    await reject(conversion.transactionId, 'fraud');
    expect((await notificationsOf(conversion.id)).map((n) => n.affiliatePostbackId).sort()).toEqual([a.id, b.id].sort());
  });
});

describe('which changes fire', () => {
  it('the event filter: a postback for reason updates only ignores a first rejection and fires on a new reason', async () => {
    const { publisher, conversion } = await givenSetting();
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, events: ['reason_updated'] });
    expect(await reject(conversion.transactionId, 'fraud')).toBe('rejected');
    expect(await notificationsOf(conversion.id)).toEqual([]);
    expect(await reject(conversion.transactionId, 'chargeback')).toBe('reason_updated');
    expect(await notificationsOf(conversion.id)).toEqual([
      expect.objectContaining({ event: 'reason_updated', previousStatus: 'rejected', previousReason: 'fraud' }),
    ]);
  });

  it('the event filter: a postback for rejections only ignores a reason update', async () => {
    const { publisher, conversion } = await givenSetting('rejected', 'duplicate');
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, events: ['rejected'] });
    expect(await reject(conversion.transactionId, 'fraud')).toBe('reason_updated');
    expect(await notificationsOf(conversion.id)).toEqual([]);
  });

  it('the reason filter: only the named reasons fire', async () => {
    const { publisher, offer } = await givenSetting();
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, reasons: ['fraud', 'chargeback'] });
    const other = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id });
    const named = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id });
    await reject(other.transactionId, 'bot_traffic');
    await reject(named.transactionId, 'chargeback');
    expect(await notificationsOf(other.id)).toEqual([]);
    expect(await notificationsOf(named.id)).toHaveLength(1);
  });

  it("the offer scope: a postback of one offer ignores the publisher's conversions of other offers", async () => {
    const { publisher, offer, conversion } = await givenSetting();
    const otherOffer = await givenOffer(t.prisma, advertiserId);
    const elsewhere = await givenPublishedConversion(t.prisma, { offerId: otherOffer.id, publisherId: publisher.id });
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, offerId: offer.id });
    await reject(elsewhere.transactionId, 'fraud');
    await reject(conversion.transactionId, 'fraud');
    expect(await notificationsOf(elsewhere.id)).toEqual([]);
    expect(await notificationsOf(conversion.id)).toHaveLength(1);
  });

  it('a paused or deleted affiliate postback fires nothing', async () => {
    const { publisher, conversion } = await givenSetting();
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, status: 'paused' });
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, deleted: true });
    expect(await reject(conversion.transactionId, 'fraud')).toBe('rejected');
    expect(await notificationsOf(conversion.id)).toEqual([]);
  });

  it("writes nothing without affiliate postbacks: a publisher with none, a conversion with no publisher, another publisher's postback", async () => {
    const { conversion } = await givenSetting();
    const other = await givenPublisher(t.prisma);
    await givenAffiliatePostback(t.prisma, { publisherId: other.id });
    const anonymous = await givenConversion(t.prisma, { offerId: conversion.offerId });
    const before = await t.prisma.notification.count();
    expect(await reject(conversion.transactionId, 'fraud')).toBe('rejected');
    expect(await reject(anonymous.transactionId, 'fraud')).toBe('rejected');
    expect(await t.prisma.notification.count()).toBe(before);
  });

  it('a postback that changes nothing fires nothing', async () => {
    const { publisher, conversion } = await givenSetting('rejected', 'fraud');
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id });
    expect(await reject(conversion.transactionId, 'fraud')).toBe('unchanged');
    expect(await notificationsOf(conversion.id)).toEqual([]);
  });
});

describe('changes within the delay', () => {
  it('three changes give one waiting notification whose previous_* is the state before the first', async () => {
    const { publisher, conversion } = await givenSetting('pending');
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 600 });
    expect(await reject(conversion.transactionId, 'fraud')).toBe('rejected');
    expect(await reject(conversion.transactionId, 'chargeback')).toBe('reason_updated');
    expect(await reject(conversion.transactionId, 'duplicate')).toBe('reason_updated');
    expect(await notificationsOf(conversion.id)).toEqual([
      expect.objectContaining({ state: 'waiting', event: 'rejected', previousStatus: 'pending', previousReason: null }),
    ]);
  });

  it('a change after the notification went to sending makes a second notification', async () => {
    const { first, second, all } = await twoNotificationsOfOneConversion();
    expect(all).toHaveLength(2);
    expect(first).toMatchObject({ state: 'sending', event: 'rejected' });
    expect(second).toMatchObject({
      state: 'waiting',
      event: 'reason_updated',
      previousStatus: 'rejected',
      previousReason: 'fraud',
    });
  });
});

/**
 * A conversion rejected (fraud), its notification then sent (state sending, as the delivery worker sets it when it
 * renders the request at the first attempt), then its reason updated (chargeback): two notifications.
 */
async function twoNotificationsOfOneConversion() {
  const { publisher, conversion } = await givenSetting();
  await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 600 });
  await reject(conversion.transactionId, 'fraud');
  const [sent] = await notificationsOf(conversion.id);
  await t.prisma.notification.update({ where: { id: sent!.id }, data: { state: 'sending' } });
  expect(await reject(conversion.transactionId, 'chargeback')).toBe('reason_updated');
  const all = await notificationsOf(conversion.id);
  return { first: all.find((n) => n.id === sent!.id)!, second: all.find((n) => n.id !== sent!.id)!, all };
}

describe('notification ids', () => {
  it('are UUIDv7s: the commit time in their first 48 bits, later notifications sorting after earlier ones', async () => {
    const { first, second } = await twoNotificationsOfOneConversion();
    const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect([first.id, second.id]).toEqual([expect.stringMatching(uuidV7), expect.stringMatching(uuidV7)]);
    const millisecondsOf = (id: string) => parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(millisecondsOf(first.id)).toBe(first.firstChangedAt.getTime());
    expect(millisecondsOf(second.id)).toBe(second.firstChangedAt.getTime());
    // Time order is index order: a later row appends at the primary key's right edge.
    expect(second.id > first.id).toBe(true);
  });
});
