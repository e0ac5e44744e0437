import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalScope, hashEndpointKey, loadConfig, POSTBACK_JOB_NAME, postbackJobOptions, type Outcome, type Postback } from '@postback/core';
import { givenAdvertiser, givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { connectAdminDeps, onlyShard, sendPostback, serveAdminApi, startInProcessWorker, startReceiver, type RunningReceiver } from './helpers/pipeline.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { eventually } from './helpers/testEnvironment.js';

const TOKEN = 'rotation-token-0123456789';
const fx = useAdminApi('rotation', TOKEN);
let receiver: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;

beforeAll(async () => {
  receiver = await startReceiver(fx.t.cfg);
  worker = startInProcessWorker(fx.t.cfg);
});

afterAll(async () => {
  await worker?.close();
  await receiver?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${fx.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const rotate = (id: number | string, body?: unknown) => call('POST', `/admin/rejection-endpoints/${id}/rotate`, body);
const send = (key: string, transactionId = `tx-${randomUUID()}`) =>
  sendPostback(receiver.baseUrl, { key, new_rejected_reason: 'bot_traffic', transaction_id: transactionId });
const outcomeOf = (postbackId: string) =>
  eventually(async () => (await fx.t.prisma.postbackLog.findFirst({ where: { postbackId } }))?.outcome as Outcome | undefined, 20_000, `postback ${postbackId} to be processed`);

describe('POST /admin/rejection-endpoints/:id/rotate', () => {
  it('hands out a new URL of the same scope, and both keys are accepted during the grace period', async () => {
    const offer = await givenOffer(fx.t.prisma);
    const old = await givenRejectionUrl(fx.admin, { offerId: offer.id });
    const before = Date.now();
    const rotated = await rotate(old.id, { grace_seconds: 3600 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({
      id: expect.any(Number), scope: 'offer', advertiser_id: offer.advertiserId, offer_id: offer.id,
      url: expect.stringContaining(`/v1/rejections?key=${String(rotated.body.key)}&`), key: expect.any(String),
      replaces: old.id, old_expires_at: expect.any(String),
    });
    const expiresAt = Date.parse(String(rotated.body.old_expires_at));
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(await fx.t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: Number(rotated.body.id) } })).toMatchObject({
      scope: 'offer', advertiserId: offer.advertiserId, offerId: offer.id, revokedAt: null, expiresAt: null,
    });

    expect((await send(old.key)).status).toBe(202);
    expect((await send(String(rotated.body.key))).status).toBe(202);
    const audit = await fx.t.prisma.adminAudit.findFirstOrThrow({ where: { action: 'rejection_url.rotate', target: String(rotated.body.id) } });
    expect(audit.details).toEqual({ replaces: old.id, scope: 'offer', old_expires_at: rotated.body.old_expires_at });
    expect(JSON.stringify(audit.details)).not.toContain(String(rotated.body.key));
  });

  it('takes a week of grace when none is given', async () => {
    const old = await givenRejectionUrl(fx.admin, { advertiserId: (await givenAdvertiser(fx.t.prisma)).id });
    const before = Date.now();
    const rotated = await rotate(old.id);
    expect(rotated.status).toBe(201);
    expect(Date.parse(String(rotated.body.old_expires_at)) - before).toBeGreaterThanOrEqual(604_800_000);
    expect(rotated.body.scope).toBe('global');
  });

  it('refuses the old key by itself once the grace period ended, saying why, while the new one keeps working', async () => {
    const offer = await givenOffer(fx.t.prisma);
    const old = await givenRejectionUrl(fx.admin, { offerId: offer.id });
    expect((await send(old.key)).status).toBe(202);
    const rotated = await rotate(old.id, { grace_seconds: 1 });
    expect(rotated.status).toBe(201);
    const refused = await eventually(async () => {
      const answer = await send(old.key);
      return answer.status === 401 ? answer : undefined;
    }, 20_000, 'the old key to be refused');
    expect(refused.body.error).toMatch(/replaced.*grace period has ended/);
    expect((await send(String(rotated.body.key))).status).toBe(202);
  });

  it('refuses the old key at once with a grace of 0', async () => {
    const old = await givenRejectionUrl(fx.admin, { advertiserId: (await givenAdvertiser(fx.t.prisma)).id });
    const rotated = await rotate(old.id, { grace_seconds: 0 });
    expect(rotated.status).toBe(201);
    // The receiver has never looked this key up since the rotation: its first look-up sees the expiry.
    expect((await send(old.key)).status).toBe(401);
    expect((await send(String(rotated.body.key))).status).toBe(202);
  });

  it('refuses to rotate a URL twice, or a revoked one, with 409', async () => {
    const advertiser = await givenAdvertiser(fx.t.prisma);
    const old = await givenRejectionUrl(fx.admin, { advertiserId: advertiser.id });
    const first = await rotate(old.id, { grace_seconds: 60 });
    expect(first.status).toBe(201);
    const second = await rotate(old.id, { grace_seconds: 60 });
    expect(second).toEqual({ status: 409, body: { error: expect.stringMatching(new RegExp(`already rotated \\(replaced by ${String(first.body.id)}\\)`)) } });

    const revoked = await givenRejectionUrl(fx.admin, { advertiserId: advertiser.id });
    expect((await call('DELETE', `/admin/rejection-endpoints/${revoked.id}`)).status).toBe(200);
    expect(await rotate(revoked.id)).toEqual({ status: 409, body: { error: expect.stringMatching(/is revoked/) } });
    // Nothing was made by the refusals: the advertiser has the three URLs and the one rotation's.
    expect(await fx.t.prisma.rejectionEndpoint.count({ where: { advertiserId: advertiser.id } })).toBe(3);
  });

  it('makes exactly one replacement when two rotations of a URL race', async () => {
    const old = await givenRejectionUrl(fx.admin, { advertiserId: (await givenAdvertiser(fx.t.prisma)).id });
    const answers = await Promise.all([rotate(old.id), rotate(old.id), rotate(old.id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    const winner = answers.find((a) => a.status === 201)!;
    expect(await fx.t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ replacedById: winner.body.id });
    expect(await fx.t.prisma.rejectionEndpoint.count({ where: { advertiserId: old.advertiser_id } })).toBe(2);
  });

  it('answers 503 and leaves no rotation behind while Redis is unreachable; a retry afterwards rotates', async () => {
    const old = await givenRejectionUrl(fx.admin, { advertiserId: (await givenAdvertiser(fx.t.prisma)).id });
    const redisUrl = new URL(fx.t.cfg.REDIS_URL!);
    const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    await proxy.start();
    const deps = connectAdminDeps(loadConfig({ ...fx.t.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
    const served = await serveAdminApi(deps, TOKEN);
    const rotateThere = async () => {
      const res = await fetch(`${served.baseUrl}/admin/rejection-endpoints/${old.id}/rotate`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"grace_seconds":0}',
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      await proxy.cut();
      expect(await rotateThere()).toEqual({ status: 503, body: { error: 'redis unreachable (REDIS_URL)' } });
      expect(await fx.t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ expiresAt: null, replacedById: null });
      expect(await fx.t.prisma.rejectionEndpoint.count({ where: { advertiserId: old.advertiser_id } })).toBe(1);
      expect(await fx.admin.registry.lookup(hashEndpointKey(old.key))).toEqual({ endpointId: old.id, scope: expect.any(Object) });
      expect((await send(old.key)).status).toBe(202);
      expect(await fx.t.prisma.adminAudit.count({ where: { action: 'rejection_url.rotate', target: String(old.id) } })).toBe(0);

      await proxy.restore();
      const retried = await eventually(async () => {
        const res = await rotateThere();
        return res.status === 201 && res;
      }, 10_000, 'the rotation to go through once Redis is back');
      expect(retried.body.replaces).toBe(old.id);
      // The receiver looked the key up before the rotation: it learns of the expiry within KEY_CACHE_TTL_MS.
      await eventually(async () => (await send(old.key)).status === 401, 10_000, 'the old key to be refused');
    } finally {
      await served.close();
      await deps.close();
      await proxy.cut();
    }
  });

  it('answers 404 for an unknown URL and 400 naming the field for bad input', async () => {
    const old = await givenRejectionUrl(fx.admin, { advertiserId: (await givenAdvertiser(fx.t.prisma)).id });
    expect(await rotate(2_000_000_000)).toEqual({ status: 404, body: { error: 'rejection endpoint 2000000000 not found' } });
    for (const id of ['abc', '0', '1.5']) {
      const bad = await rotate(id);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/^id: /);
    }
    for (const grace of [-1, 1.5, '7 days', 90 * 86_400 + 1, null]) {
      const bad = await rotate(old.id, { grace_seconds: grace });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: expect.stringMatching(/^grace_seconds: /), field: 'grace_seconds' });
    }
    expect((await rotate(old.id, { grace: 60 })).status).toBe(400);
    // Nothing was rotated by the refusals.
    expect(await fx.t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ expiresAt: null, replacedById: null });
    expect((await rotate(old.id, { grace_seconds: 90 * 86_400 })).status).toBe(201);
  });
});

describe('a rotated key at apply time', () => {
  it("treats a postback received at or after its key's expiry as revoked, whatever a receiver accepted", async () => {
    const offer = await givenOffer(fx.t.prisma);
    const conversion = await givenConversion(fx.t.prisma, { offerId: offer.id });
    const old = await givenRejectionUrl(fx.admin, { advertiserId: offer.advertiserId });
    const rotated = await rotate(old.id, { grace_seconds: 3600 });
    const expiresAt = Date.parse(String(rotated.body.old_expires_at));
    // As a receiver with a clock an hour behind would have queued them.
    const template: Postback = {
      postbackId: '', endpointId: old.id, scope: globalScope(offer.advertiserId),
      transactionId: conversion.transactionId, reason: '', seq: 0, receivedAt: expiresAt,
    };
    const seq = Date.now() * 1000;
    const atExpiry = { ...template, postbackId: randomUUID(), reason: 'at_expiry', seq: seq + 2, receivedAt: expiresAt };
    const pastExpiry = { ...template, postbackId: randomUUID(), reason: 'past_expiry', seq: seq + 3, receivedAt: expiresAt + 1 };
    const inGrace = { ...template, postbackId: randomUUID(), reason: 'in_grace', seq: seq + 1, receivedAt: expiresAt - 1 };
    for (const p of [atExpiry, pastExpiry, inGrace]) {
      await onlyShard(fx.admin).queue.add(POSTBACK_JOB_NAME, { v: 1, ...p }, postbackJobOptions(fx.t.cfg, p.postbackId));
    }
    expect(await outcomeOf(atExpiry.postbackId)).toBe('revoked');
    expect(await outcomeOf(pastExpiry.postbackId)).toBe('revoked');
    expect(await outcomeOf(inGrace.postbackId)).toBe('rejected');
    const after = await fx.t.prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    expect(after).toMatchObject({ status: 'rejected', rejectedReason: 'in_grace' });
  });
});

describe('GET /admin/rejection-endpoints after rotations', () => {
  it('shows each URL with its expiry, its replacement and the postbacks of the last 24 hours', async () => {
    const offer = await givenOffer(fx.t.prisma);
    const old = await givenRejectionUrl(fx.admin, { offerId: offer.id });
    const quiet = await givenRejectionUrl(fx.admin, { offerId: offer.id });
    const sent = [await send(old.key), await send(old.key), await send(old.key)];
    for (const s of sent) expect(await outcomeOf(String(s.body.postback_id))).toBe('not_found');
    // Two rows older than a day, which the count leaves out and last_used_at does not.
    const dayAgo = Date.now() - 25 * 3600_000;
    await fx.t.prisma.postbackLog.createMany({
      data: [1, 2].map((i) => ({
        postbackId: randomUUID(), endpointId: old.id, transactionId: 'tx-old', reason: 'r', seq: BigInt(i),
        receivedAt: new Date(dayAgo - i), outcome: 'not_found' as const, attempts: 1,
      })),
    });
    const rotated = await rotate(old.id, { grace_seconds: 120 });
    const replacement = Number(rotated.body.id);
    expect((await send(String(rotated.body.key))).status).toBe(202);

    const list = await call('GET', `/admin/rejection-endpoints?offer_id=${offer.id}`);
    expect(list.status).toBe(200);
    const byId = new Map((list.body.rejection_endpoints as Array<Record<string, unknown>>).map((e) => [e.id, e]));
    expect([...byId.keys()]).toEqual([old.id, quiet.id, replacement]);
    const lastSent = await fx.t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: String(sent[2]!.body.postback_id) } });
    expect(byId.get(old.id)).toEqual({
      id: old.id, scope: 'offer', advertiser_id: offer.advertiserId, offer_id: offer.id, created_at: expect.any(String),
      revoked_at: null, last_used_at: lastSent.receivedAt.toISOString(), postbacks_24h: 3,
      expires_at: rotated.body.old_expires_at, replaced_by: replacement,
    });
    expect(byId.get(quiet.id)).toMatchObject({ postbacks_24h: 0, last_used_at: null, expires_at: null, replaced_by: null });
    expect(byId.get(replacement)).toMatchObject({ expires_at: null, replaced_by: null, revoked_at: null });
  });
});

describe('GET /admin/advertisers/:id and /admin/offers/:id', () => {
  it('shows one advertiser and one offer', async () => {
    const offer = await givenOffer(fx.t.prisma);
    const advertiser = await fx.t.prisma.advertiser.findUniqueOrThrow({ where: { id: offer.advertiserId } });
    expect(await call('GET', `/admin/advertisers/${advertiser.id}`)).toEqual({
      status: 200, body: { id: advertiser.id, name: advertiser.name, created_at: advertiser.createdAt.toISOString() },
    });
    expect(await call('GET', `/admin/offers/${offer.id}`)).toEqual({
      status: 200, body: { id: offer.id, advertiser_id: advertiser.id, name: offer.name, created_at: offer.createdAt.toISOString() },
    });
  });

  it('answers 404 when absent and 400 for an id that is not a whole number', async () => {
    expect(await call('GET', '/admin/advertisers/2000000000')).toEqual({ status: 404, body: { error: 'advertiser 2000000000 not found' } });
    expect(await call('GET', '/admin/offers/2000000000')).toEqual({ status: 404, body: { error: 'offer 2000000000 not found' } });
    for (const path of ['/admin/advertisers/abc', '/admin/offers/1.5', '/admin/offers/99999999999']) {
      const bad = await call('GET', path);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: expect.stringMatching(/^id: /), field: 'id' });
    }
  });
});
