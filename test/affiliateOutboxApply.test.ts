// The outbox part of applyRejections' one statement, for a batch as the applier hands it over: the changes of one
// batch coalesce like changes of successive batches, and the batch says how many notifications are due at once.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalScope, KeyRegistry } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { givenAffiliatePostback, givenPublishedConversion, givenPublisher } from './helpers/affiliateOutboxFixtures.js';
import { givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let redis: Redis;
let registry: KeyRegistry;
let seq = 1000;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_outbox_apply');
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
});

afterAll(async () => {
  redis?.disconnect();
  await t?.teardown();
});

function postbackFor(conversion: { transactionId: string }, advertiserId: number, reason: string): PostbackToApply {
  return {
    postback: {
      postbackId: randomUUID(), endpointId: 1, scope: globalScope(advertiserId), transactionId: conversion.transactionId,
      reason, seq: ++seq, receivedAt: Date.now(),
    },
    attempts: 1, shard: t.cfg.QUEUE_PREFIX,
  };
}

describe('the notifications of one batch', () => {
  it('coalesce three changes of one conversion into the first one, even in one batch given out of receipt order', async () => {
    const offer = await givenOffer(t.prisma);
    const publisher = await givenPublisher(t.prisma);
    const c = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id, status: 'approved' });
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 600 });
    const [a, b, d] = ['fraud', 'chargeback', 'duplicate'].map((r) => postbackFor(c, offer.advertiserId, r));

    const batch = await applyRejections(t.prisma, [d!, a!, b!], registry);
    expect(batch.outcomes).toEqual(['reason_updated', 'rejected', 'reason_updated']);
    expect(batch.notificationsDueNow).toBe(0);
    expect(await t.prisma.notification.findMany({ where: { conversionId: c.id } })).toEqual([
      expect.objectContaining({ state: 'waiting', event: 'rejected', previousStatus: 'approved', previousReason: null }),
    ]);
  });

  it('counts the notifications due at once (delay 0), and no others', async () => {
    const offer = await givenOffer(t.prisma);
    const publisher = await givenPublisher(t.prisma);
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 0 });
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 60 });
    const conversions = await Promise.all([1, 2].map(() => givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id })));

    const batch = await applyRejections(t.prisma, conversions.map((c) => postbackFor(c, offer.advertiserId, 'fraud')), registry);
    expect(batch.notificationsDueNow).toBe(2);
    expect(await t.prisma.notification.count({ where: { conversionId: { in: conversions.map((c) => c.id) } } })).toBe(4);
  });

  it('are not written again when the batch is delivered again', async () => {
    const offer = await givenOffer(t.prisma);
    const publisher = await givenPublisher(t.prisma);
    await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, delaySeconds: 0 });
    const c = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id });
    const postbacks = [postbackFor(c, offer.advertiserId, 'fraud')];
    await applyRejections(t.prisma, postbacks, registry);
    // Sent already: a redelivery finds the postback in the log and changes nothing, so it notifies nothing.
    await t.prisma.notification.updateMany({ where: { conversionId: c.id }, data: { state: 'delivered' } });
    const again = await applyRejections(t.prisma, postbacks.map((p) => ({ ...p, attempts: 2 })), registry);
    expect(again.notificationsDueNow).toBe(0);
    expect(await t.prisma.notification.count({ where: { conversionId: c.id } })).toBe(1);
  });
});
