// A postback delivered again after its first delivery committed (a worker crash before the acknowledgement, a
// replay) is found in postback_log by its receipt time and id, and answers with what its first delivery decided:
// deciding it again would call it unchanged or superseded, and the two answers would disagree.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalScope, KeyRegistry } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const DAY_MS = 86_400_000;
let t: TestEnvironment;
let redis: Redis;
let registry: KeyRegistry;

beforeAll(async () => {
  t = await createTestEnvironment('redelivery');
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
});

afterAll(async () => {
  redis?.disconnect();
  await t?.teardown();
});

async function givenPostback(receivedAt: number, seq: number): Promise<PostbackToApply> {
  const offer = await givenOffer(t.prisma);
  const conversion = await givenConversion(t.prisma, { offerId: offer.id });
  return {
    postback: {
      postbackId: randomUUID(), endpointId: 1, scope: globalScope(offer.advertiserId),
      transactionId: conversion.transactionId, reason: 'fraud', seq, receivedAt,
    },
    attempts: 1, shard: t.cfg.QUEUE_PREFIX,
  };
}

describe('a postback delivered again', () => {
  it('answers with the outcome its first delivery logged, whatever the milliseconds of its receipt', async () => {
    // Receipt times with every millisecond digit in use: the log keeps milliseconds, and the lookup must match them.
    const postbacks = await Promise.all([1, 499, 999].map((ms, i) => givenPostback(Date.UTC(2026, 10, 30, 23, 59, 59, ms), 100 + i)));
    const first = await applyRejections(t.prisma, postbacks, registry);
    expect(first.outcomes).toEqual(['rejected', 'rejected', 'rejected']);

    const again = await applyRejections(t.prisma, postbacks.map((p) => ({ ...p, attempts: 2 })), registry);
    expect(again.outcomes).toEqual(['rejected', 'rejected', 'rejected']);
    expect(again.applied).toEqual([]);
  });

  it('is found in a batch with postbacks received days later', async () => {
    const old = await givenPostback(Date.now() - 3 * DAY_MS, 200);
    expect((await applyRejections(t.prisma, [old], registry)).outcomes).toEqual(['rejected']);
    const fresh = await givenPostback(Date.now(), 201);

    const batch = await applyRejections(t.prisma, [fresh, { ...old, attempts: 2 }], registry);
    expect(batch.outcomes).toEqual(['rejected', 'rejected']);
    expect(batch.applied).toEqual([{ receivedAt: fresh.postback.receivedAt, outcome: 'rejected', shard: fresh.shard }]);
  });

  it('logs each fresh postback with its own attempt and replay mark when one before it in the batch was logged already', async () => {
    const old = await givenPostback(Date.now() - 60_000, 300);
    await applyRejections(t.prisma, [old], registry);
    const fresh = await givenPostback(Date.now(), 301);

    await applyRejections(t.prisma, [{ ...old, attempts: 2 }, { ...fresh, attempts: 3, replayed: true }], registry);
    const logged = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: fresh.postback.postbackId } });
    expect(logged).toMatchObject({ attempts: 3, source: 'replay' });
    const first = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: old.postback.postbackId } });
    expect(first).toMatchObject({ attempts: 1, source: 'url' });
  });
});
