import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  globalScope,
  hashEndpointKey,
  loadConfig,
  POSTBACK_JOB_NAME,
  postbackJobOptions,
  receiptSeqKey,
  type Outcome,
  type Postback,
} from '@postback/core';
import { createAdminApp } from '../apps/admin/src/app.js';
import { Admission } from '../apps/receiver/src/admission.js';
import { showConversion } from '../apps/admin/src/services/conversions.js';
import { revokeRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { givenAdvertiser, givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  onlyShard,
  onlyShardWorker,
  sendPostback,
  serve,
  silent,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// Receivers at the default KEY_CACHE_TTL_MS (2000): the promise under test is "refused within 5 s" as shipped.
const TOKEN = 'test-admin-token-0123456789';
let t: TestEnvironment;
let admin: AdminHandle;
let receivers: RunningReceiver[];
// A receiver at the longest cache TTL (5 s): it still accepts a key for a while after its revocation.
let cached: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;
let redis: Redis;

beforeAll(async () => {
  t = await createTestEnvironment('revocation');
  expect(t.cfg.KEY_CACHE_TTL_MS).toBe(2000);
  admin = connectAdminDeps(t.cfg);
  receivers = [await startReceiver(t.cfg), await startReceiver(t.cfg)];
  cached = await startReceiver(loadConfig({ ...t.env, KEY_CACHE_TTL_MS: '5000' }));
  worker = startInProcessWorker(t.cfg);
  redis = new Redis(t.cfg.REDIS_URL!);
});

afterAll(async () => {
  redis.disconnect();
  await worker.close();
  await Promise.all([...receivers, cached].map((r) => r.stop()));
  await admin.close();
  await t.teardown();
});

/** The admin API over a Redis connection that goes through a proxy the test can cut. */
async function adminBehindProxy() {
  const redisUrl = new URL(t.cfg.REDIS_URL!);
  const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  await proxy.start();
  const deps = connectAdminDeps(loadConfig({ ...t.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
  const { server, baseUrl } = await serve(createAdminApp({ ...deps, adminToken: TOKEN, logger: silent() }));
  return {
    proxy,
    revoke: async (id: number) => {
      const res = await fetch(`${baseUrl}/admin/rejection-endpoints/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await new Promise((r) => server.close(r));
      await deps.close();
      await proxy.cut();
    },
  };
}

const statusOf = (rx: RunningReceiver, key: string) =>
  sendPostback(rx.baseUrl, { key, new_rejected_reason: 'r', transaction_id: 'tx' }).then((a) => a.status);

async function givenWarmEndpoint() {
  const endpoint = await givenRejectionUrl(admin, { advertiserId: (await givenAdvertiser(t.prisma)).id });
  // Both receivers now hold the key in their caches.
  for (const rx of receivers) expect(await statusOf(rx, endpoint.key)).toBe(202);
  return endpoint;
}

async function refusedEverywhereWithin5s(key: string) {
  await eventually(async () => (await Promise.all(receivers.map((rx) => statusOf(rx, key)))).every((s) => s === 401), 5000, 'both receivers to refuse the key');
}

describe('revoking a rejection URL', () => {
  it('is refused by two receivers with warm caches within 5 seconds', async () => {
    const endpoint = await givenWarmEndpoint();
    const api = await adminBehindProxy();
    try {
      expect((await api.revoke(endpoint.id)).status).toBe(200);
      await refusedEverywhereWithin5s(endpoint.key);
    } finally {
      await api.close();
    }
  });

  it('answers 503 and changes nothing while Redis is unreachable; a retry afterwards revokes', async () => {
    const endpoint = await givenWarmEndpoint();
    const api = await adminBehindProxy();
    try {
      await api.proxy.cut();
      expect(await api.revoke(endpoint.id)).toEqual({ status: 503, body: { error: 'redis unreachable (REDIS_URL)' } });
      // Not revoked anywhere, and not recorded as revoked: the operator was told it did not happen.
      const row = await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(row.revokedAt).toBeNull();
      for (const rx of receivers) expect(await statusOf(rx, endpoint.key)).toBe(202);

      await api.proxy.restore();
      const retried = await eventually(async () => {
        const res = await api.revoke(endpoint.id);
        return res.status === 200 && res;
      }, 10_000, 'the revocation to go through once Redis is back');
      expect(retried.body).toMatchObject({ id: endpoint.id, revoked_at: expect.any(String) });
      await refusedEverywhereWithin5s(endpoint.key);
      expect((await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).revokedAt).not.toBeNull();
    } finally {
      await api.close();
    }
  });
});

describe('exact revocation at apply time', () => {
  /** A conversion and a global URL of its advertiser, whose key `cached` has just accepted (so its cache holds it). */
  async function givenUrlInCache() {
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
    const url = await givenRejectionUrl(admin, { advertiserId: offer.advertiserId });
    expect((await send(url.key, 'tx-nobody-knows', 'warm-up')).status).toBe(202);
    return { offer, conversion, url };
  }

  const send = (key: string, transactionId: string, reason: string) =>
    sendPostback(cached.baseUrl, { key, new_rejected_reason: reason, transaction_id: transactionId });

  const outcomeOf = (postbackId: string) =>
    eventually(async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId } }))?.outcome as Outcome | undefined, 20_000, `postback ${postbackId} to be processed`);

  it('numbers a revocation above every receipt seq handed out before and below every one after, even ahead of the clock', async () => {
    const admission = new Admission(redis, t.cfg.QUEUE_PREFIX, 1000, 1000);
    const url = await givenRejectionUrl(admin, { advertiserId: (await givenAdvertiser(t.prisma)).id });
    // A counter far ahead of Redis's clock (many postbacks in one microsecond, or a clock stepped back).
    const ahead = Date.now() * 1000 + 10 ** 12;
    await redis.set(receiptSeqKey(t.cfg.QUEUE_PREFIX), String(ahead));
    const revokedSeq = await admin.registry.revoke({ endpointId: url.id, keyHash: hashEndpointKey(url.key) });
    const { firstSeq } = await admission.admit(new Map([[url.id, 1]]));
    expect(revokedSeq).toBe(ahead + 1);
    expect(firstSeq).toBe(revokedSeq + 1);
    // Revoking again keeps the first number.
    expect(await admin.registry.revoke({ endpointId: url.id, keyHash: hashEndpointKey(url.key) })).toBe(revokedSeq);
  });

  it('applies nothing received after the revocation, though a cached receiver took it; what came before still applies', async () => {
    const { conversion, url } = await givenUrlInCache();
    await onlyShardWorker(worker).pause();
    let before: string;
    let after: string;
    try {
      const sentBefore = await send(url.key, conversion.transactionId, 'chargeback');
      expect(sentBefore.status).toBe(202);
      before = String(sentBefore.body.postback_id);
      await revokeRejectionEndpoint(admin, url.id);
      // Still within the receiver's cache TTL: it answers 202, as it promised to for up to KEY_CACHE_TTL_MS.
      const sentAfter = await send(url.key, conversion.transactionId, 'bot_traffic');
      expect(sentAfter.status).toBe(202);
      after = String(sentAfter.body.postback_id);
    } finally {
      onlyShardWorker(worker).resume();
    }

    expect(await outcomeOf(before)).toBe('rejected');
    expect(await outcomeOf(after)).toBe('revoked');
    const applied = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: before } });
    expect(await showConversion(t.prisma, conversion.transactionId)).toMatchObject({
      status: 'rejected',
      rejected_reason: 'chargeback',
      history: [expect.objectContaining({ postback_id: before, new_reason: 'chargeback' })],
    });
    const row = await t.prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    expect(row.lastPostbackSeq).toBe(applied.seq);
  });

  it('holds between the Redis revoke and the Postgres write: a batch that reads Postgres before the write still refuses', async () => {
    const { conversion, url } = await givenUrlInCache();
    // The Postgres write of the revocation fails (as on a dropped connection): only Redis knows of it.
    await t.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_revoke() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`);
    await t.prisma.$executeRawUnsafe('CREATE TRIGGER refuse_revoke BEFORE UPDATE ON rejection_endpoints FOR EACH ROW EXECUTE FUNCTION refuse_revoke()');
    let revokedInRedis: number;
    try {
      await expect(revokeRejectionEndpoint(admin, url.id)).rejects.toThrow(/refused by test/);
      expect(await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: url.id } })).toMatchObject({ revokedAt: null, revokedSeq: null });
      revokedInRedis = (await admin.registry.revokedSeqs([url.id])).get(url.id)!;
      expect(revokedInRedis).toBeGreaterThan(0);

      const sent = await send(url.key, conversion.transactionId, 'bot_traffic');
      expect(sent.status).toBe(202);
      expect(await outcomeOf(String(sent.body.postback_id))).toBe('revoked');
      expect(await showConversion(t.prisma, conversion.transactionId)).toMatchObject({ status: 'approved', rejected_reason: null, history: [] });
    } finally {
      await t.prisma.$executeRawUnsafe('DROP TRIGGER refuse_revoke ON rejection_endpoints; DROP FUNCTION refuse_revoke()');
    }
    // The operator's retry records the number Redis took the first time.
    await revokeRejectionEndpoint(admin, url.id);
    expect((await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: url.id } })).revokedSeq).toBe(BigInt(revokedInRedis));
  });

  it('holds on Postgres alone when Redis lost the revocation, and orders by receipt, not by when a postback is applied', async () => {
    const { offer, conversion, url } = await givenUrlInCache();
    await revokeRejectionEndpoint(admin, url.id);
    const { revokedSeq } = await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: url.id } });
    expect(revokedSeq).not.toBeNull();
    await redis.del(`${t.cfg.QUEUE_PREFIX}:revoked-seqs`);
    expect(await admin.registry.revokedSeqs([url.id])).toEqual(new Map());

    // Postbacks of this key received just after and just before the revocation, as a replay would bring them back.
    const template: Postback = {
      postbackId: '', endpointId: url.id, scope: globalScope(offer.advertiserId),
      transactionId: conversion.transactionId, reason: '', seq: 0, receivedAt: Date.now(),
    };
    const later = { ...template, postbackId: randomUUID(), reason: 'late', seq: Number(revokedSeq) + 1 };
    const earlier = { ...template, postbackId: randomUUID(), reason: 'early', seq: Number(revokedSeq) - 1 };
    for (const p of [later, earlier]) await onlyShard(admin).queue.add(POSTBACK_JOB_NAME, { v: 1, ...p }, postbackJobOptions(t.cfg, p.postbackId));
    expect(await outcomeOf(later.postbackId)).toBe('revoked');
    expect(await outcomeOf(earlier.postbackId)).toBe('rejected');
    expect(await showConversion(t.prisma, conversion.transactionId)).toMatchObject({ status: 'rejected', rejected_reason: 'early' });
  });
});
