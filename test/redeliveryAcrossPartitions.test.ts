// A postback delivered again (a stalled job, a retry after a crash past the commit, a dead-letter replay) carries the
// same id and the same received_at as the first time: both travel in the job's data, which a retry or replay re-adds
// as it was. So the worker finds the first delivery's row by postback_log's key (received_at, postback_id), in the
// partition of its day, or in the default partition once its day is gone, and applies nothing twice.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIds, KeyRegistry } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const DAY = 86_400_000;
let t: TestEnvironment;
let redis: Redis;
let registry: KeyRegistry;
let today: string;

beforeAll(async () => {
  t = await createTestEnvironment('redelivery_partitions');
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
  // As the maintenance leaves a deployment once the (here empty) legacy partition is gone: today has a partition of
  // its own, and a day long past has none, so a postback of that day lands in the default partition.
  const midnight = Math.floor(Date.now() / DAY) * DAY;
  today = `postback_log_p${new Date(midnight).toISOString().slice(0, 10).replace(/-/g, '')}`;
  await t.prisma.$executeRawUnsafe('ALTER TABLE postback_log DETACH PARTITION postback_log_legacy');
  await t.prisma.$executeRawUnsafe('DROP TABLE postback_log_legacy');
  await t.prisma.$executeRawUnsafe(`CREATE TABLE ${today} PARTITION OF postback_log
    FOR VALUES FROM ('${new Date(midnight).toISOString()}') TO ('${new Date(midnight + DAY).toISOString()}')`);
});

afterAll(async () => {
  redis?.disconnect();
  await t?.teardown();
});

/** A postback for a conversion approved until now, as a receiver minted it at `receivedAt`. */
async function givenPostback(receivedAt: number): Promise<PostbackToApply> {
  const offer = await givenOffer(t.prisma);
  const conversion = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
  return {
    postback: {
      postbackId: batchIds(1, receivedAt).postbackIds[0]!,
      endpointId: 1,
      scope: { kind: 'global', advertiserId: offer.advertiserId, offerId: null },
      transactionId: conversion.transactionId,
      reason: 'fraud',
      seq: receivedAt,
      receivedAt,
    },
    attempts: 1,
    shard: '{postback}',
  };
}

const partitionOf = async (postbackId: string) =>
  (await t.prisma.$queryRaw<Array<{ partition: string }>>`
    SELECT tableoid::regclass::text AS partition FROM postback_log WHERE postback_id = ${postbackId}::uuid`).map((r) => r.partition);

describe('a postback delivered twice', () => {
  for (const [where, receivedAt, partition] of [
    ["in its day's partition", () => Date.now(), () => today],
    ['in the default partition (its day has no partition)', () => Date.now() - 200 * DAY, () => 'postback_log_default'],
  ] as const) {
    it(`is applied once, its first outcome kept, ${where}`, async () => {
      const postback = await givenPostback(receivedAt());
      const first = await applyRejections(t.prisma, [postback], registry);
      expect(first.outcomes).toEqual(['rejected']);
      expect(first.applied).toHaveLength(1);
      expect(await partitionOf(postback.postback.postbackId)).toEqual([partition()]);

      // Applied afresh, it would now be `unchanged` (the conversion is rejected with this reason): the outcome of
      // the first delivery comes back only if its row was found.
      const again = await applyRejections(t.prisma, [{ ...postback, attempts: 2 }], registry);
      expect(again.outcomes).toEqual(['rejected']);
      expect(again.applied).toEqual([]);
      expect(await partitionOf(postback.postback.postbackId)).toEqual([partition()]);
      const history = await t.prisma.conversionStatusHistory.findMany({ where: { postbackId: postback.postback.postbackId } });
      expect(history).toHaveLength(1);
    });
  }

  it('is recognised within a batch that spans days and partitions', async () => {
    const old = await givenPostback(Date.now() - 200 * DAY);
    const recent = await givenPostback(Date.now());
    await applyRejections(t.prisma, [old], registry);
    const batch = await applyRejections(t.prisma, [{ ...old, attempts: 2 }, recent], registry);
    expect(batch.outcomes).toEqual(['rejected', 'rejected']);
    expect(batch.applied.map((a) => a.receivedAt)).toEqual([recent.postback.receivedAt]);
  });
});
