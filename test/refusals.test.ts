import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointRefusalStreamKey, loadConfig, refusalLogTag, refusalStreamKey } from '@postback/core';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { freePort } from './helpers/freePort.js';
import { startReceiver, type RunningReceiver } from './helpers/pipeline.js';
import { parseExposition, valueOf } from './helpers/scrapeMetrics.js';
import { eventually } from './helpers/testEnvironment.js';

// The receiver records what it refuses on /v1/rejections in Redis streams of its own prefix; the admin reads them.

const TOKEN = 'refusals-admin-token-0123456789';
const fx = useAdminApi('refusals', TOKEN, { env: { RATE_LIMIT_PER_KEY: '2', RATE_LIMIT_WINDOW_SECONDS: '60' } });
let rx: RunningReceiver;
let redis: Redis;
let url: { id: number; key: string };
let limitedUrl: { id: number; key: string };

beforeAll(async () => {
  rx = await startReceiver(fx.t.cfg);
  redis = new Redis(fx.t.cfg.REDIS_URL!);
  const offer = await givenOffer(fx.t.prisma);
  url = await givenRejectionUrl(fx.admin, { offerId: offer.id });
  limitedUrl = await givenRejectionUrl(fx.admin, { offerId: offer.id });
});

afterAll(async () => {
  redis?.disconnect();
  await rx?.stop();
});

let tx = 0;
/** A postback as an advertiser's server sends it, from `client` (the test is the trusted loopback proxy). */
async function send(params: Record<string, string>, client: string, init: RequestInit = {}) {
  const query = new URLSearchParams({ transaction_id: `t${++tx}`, new_rejected_reason: 'bot_traffic', ...params });
  const res = await fetch(`${rx.baseUrl}/v1/rejections?${query}`, { ...init, headers: { 'x-forwarded-for': client, ...init.headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, sent: `/v1/rejections?${query}` };
}

async function refusals(query: Record<string, string> = {}) {
  const res = await fetch(`${fx.api}/admin/refusals?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as { refusals: Array<Record<string, unknown>>; next_cursor: string | null; error?: string; field?: string } };
}

/** Every field and value of every entry of every refusal stream, as Redis holds them. */
async function rawStreams(): Promise<string> {
  const keys = await redis.keys(`${refusalLogTag(fx.t.cfg.QUEUE_PREFIX)}*`);
  const contents = await Promise.all(keys.map((k) => redis.xrange(k, '-', '+')));
  return JSON.stringify({ keys, contents });
}

const recordedTotal = async () => valueOf(parseExposition(await rx.receiver.metrics.registry.metrics()), 'postback_receiver_refusals_recorded_total') ?? 0;

describe('refused requests', () => {
  it('records a wrong key as a 401 with the key masked, and Redis never holds any part of it', async () => {
    const secret = 'WrongKey_7f3a9c2e41d8b6a0f5e3c1d9b7a5e3c1f9d7b5a';
    const before = await recordedTotal();
    const answer = await send({ key: secret }, '203.0.113.5');
    expect(answer.status).toBe(401);
    // In a POST's form body too: the body is never recorded.
    const posted = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.6' },
      body: new URLSearchParams({ key: secret, transaction_id: 'tp', new_rejected_reason: 'bot' }),
    });
    expect(posted.status).toBe(401);

    const listed = await eventually(async () => {
      const page = (await refusals({ status: '401' })).body.refusals;
      return page.length >= 2 ? page : undefined;
    }, 10_000, 'both 401s recorded');
    expect(listed[1]).toEqual({
      id: expect.stringMatching(/^\d+-\d+$/),
      at: expect.any(String),
      status: 401,
      error: 'unknown or revoked key',
      field: 'key',
      endpoint_id: null,
      client: '203.0.113.5',
      path: answer.sent.replace(encodeURIComponent(secret), '****'),
      count: 1,
    });
    expect(listed[1]!.path).toMatch(/^\/v1\/rejections\?transaction_id=t\d+&new_rejected_reason=bot_traffic&key=\*\*\*\*$/);
    expect(listed[0]).toMatchObject({ status: 401, client: '203.0.113.6', path: '/v1/rejections' });
    expect(Date.now() - Date.parse(listed[1]!.at as string)).toBeLessThan(60_000);

    const raw = await rawStreams();
    expect(raw).toContain('203.0.113.5');
    for (let i = 0; i + 8 <= secret.length; i += 4) expect(raw).not.toContain(secret.slice(i, i + 8));
    expect(await recordedTotal()).toBe(before + 2);
  });

  it("records a valid key's bad field as a 400 with its endpoint, found under that endpoint too", async () => {
    const answer = await send({ key: url.key, transaction_id: '' }, '198.51.100.20');
    expect(answer).toMatchObject({ status: 400, body: { field: 'transaction_id' } });
    const expected = { status: 400, error: answer.body.error, field: 'transaction_id', endpoint_id: url.id, client: '198.51.100.20', count: 1 };
    const forUrl = await eventually(async () => (await refusals({ endpoint_id: String(url.id) })).body.refusals[0], 10_000, 'the 400 recorded');
    expect(forUrl).toMatchObject(expected);
    expect(forUrl.path).toBe('/v1/rejections?transaction_id=&new_rejected_reason=bot_traffic&key=****');
    // One entry, one id, in both lists.
    expect((await refusals({ status: '400' })).body.refusals[0]).toEqual(forUrl);
    expect(await rawStreams()).not.toContain(url.key.slice(0, 12));
  });

  it("records the key's rate limit (429) with its endpoint", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await send({ key: limitedUrl.key }, '198.51.100.30')).status);
    expect(answers).toEqual([202, 202, 429, 429]);
    const listed = await eventually(async () => {
      const page = (await refusals({ endpoint_id: String(limitedUrl.id) })).body.refusals;
      return page.reduce((n, r) => n + (r.count as number), 0) === 2 ? page : undefined;
    }, 10_000, 'both 429s recorded');
    for (const r of listed) expect(r).toMatchObject({ status: 429, error: 'rate limit exceeded for this key', endpoint_id: limitedUrl.id, client: '198.51.100.30' });
  });

  it('records refusals made before the route runs, under the endpoint of the key they carry: a wrong method (405)', async () => {
    const res = await fetch(`${rx.baseUrl}/v1/rejections?key=${url.key}`, { method: 'PUT', headers: { 'x-forwarded-for': '198.51.100.40' } });
    expect(res.status).toBe(405);
    const entry = await eventually(async () => (await refusals({ status: '405' })).body.refusals[0], 10_000, 'the 405 recorded');
    expect(entry).toMatchObject({ status: 405, error: 'use GET or POST', endpoint_id: url.id, client: '198.51.100.40', path: '/v1/rejections?key=****' });
  });

  it('pages newest first by the entry id, with filters for status, endpoint and time', async () => {
    for (let i = 0; i < 5; i++) await send({ key: url.key, new_rejected_reason: '' }, `192.0.2.${i}`);
    await eventually(async () => (await refusals({ endpoint_id: String(url.id) })).body.refusals.length >= 6, 10_000, 'five more 400s');

    const all = (await refusals({ limit: '1000' })).body;
    expect(all.next_cursor).toBeNull();
    const ids = all.refusals.map((r) => r.id as string);
    expect([...ids].sort(byStreamId).reverse()).toEqual(ids);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof refusals>>['body'] = (await refusals({ limit: '2', ...(cursor ? { cursor } : {}) })).body;
      expect(page.refusals.length).toBeLessThanOrEqual(2);
      paged.push(...page.refusals.map((r) => r.id as string));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(paged).toEqual(ids);

    const byStatus = (await refusals({ status: '400', limit: '3' })).body;
    expect(byStatus.refusals).toHaveLength(3);
    expect(byStatus.refusals.every((r) => r.status === 400)).toBe(true);
    const rest = (await refusals({ status: '400', cursor: byStatus.next_cursor! })).body;
    expect(rest.refusals.every((r) => r.status === 400)).toBe(true);
    expect([...byStatus.refusals, ...rest.refusals].map((r) => r.id)).toEqual(all.refusals.filter((r) => r.status === 400).map((r) => r.id));

    const forUrl = (await refusals({ endpoint_id: String(url.id) })).body.refusals;
    expect(forUrl.every((r) => r.endpoint_id === url.id)).toBe(true);
    expect(forUrl.map((r) => r.id)).toEqual(all.refusals.filter((r) => r.endpoint_id === url.id).map((r) => r.id));
    expect((await refusals({ endpoint_id: '999999' })).body).toEqual({ refusals: [], next_cursor: null });

    const newest = all.refusals[0]!;
    expect((await refusals({ since: newest.at as string })).body.refusals[0]).toEqual(newest);
    expect((await refusals({ since: new Date(Date.now() + 60_000).toISOString() })).body).toEqual({ refusals: [], next_cursor: null });
  });

  it.each([
    [{ stauts: '401' }, 'stauts'],
    [{ status: '200' }, 'status'],
    [{ status: 'x' }, 'status'],
    [{ endpoint_id: '0' }, 'endpoint_id'],
    [{ since: 'yesterday' }, 'since'],
    [{ cursor: 'abc' }, 'cursor'],
    [{ limit: '1001' }, 'limit'],
  ])('refuses %o with a 400 naming %s', async (query, field) => {
    const answer = await refusals(query as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.body.field ?? answer.body.error).toContain(field);
  });

  it("answers a refusal as it would when Redis cannot take its record, and counts it dropped", async () => {
    const cfg = loadConfig({ ...fx.t.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const offline = await startReceiver(cfg, undefined, false);
    try {
      for (const [params, init] of [[{ transaction_id: '' }, {}], [{}, { method: 'PUT' }]] as const) {
        const query = new URLSearchParams({ key: 'k', new_rejected_reason: 'r', transaction_id: 't', ...params });
        const [healthy, down] = await Promise.all([rx.baseUrl, offline.baseUrl].map(async (base) => {
          const res = await fetch(`${base}/v1/rejections?${query}`, init);
          return { status: res.status, body: await res.text() };
        }));
        expect(down).toEqual(healthy);
        expect(down!.status).toBeGreaterThanOrEqual(400);
      }
      const metrics = parseExposition(await offline.receiver.metrics.registry.metrics());
      expect(await eventually(async () => {
        const dropped = valueOf(parseExposition(await offline.receiver.metrics.registry.metrics()), 'postback_receiver_refusals_dropped_total');
        return dropped === 2 ? dropped : undefined;
      }, 10_000, 'two refusals dropped')).toBe(2);
      expect(valueOf(metrics, 'postback_receiver_refusals_recorded_total')).toBe(0);
    } finally {
      await offline.stop();
    }
  });

  it('keeps the streams within their caps (MAXLEN ~: whole stream nodes are trimmed)', async () => {
    const capped = await startReceiver({ ...fx.t.cfg, REFUSAL_LOG_MAXLEN: 5, REFUSAL_LOG_ENDPOINT_MAXLEN: 3 });
    try {
      const node = Number((await redis.config('GET', 'stream-node-max-entries'))[1]);
      const sends = Math.max(300, 3 * node);
      for (let i = 0; i < sends; i++) {
        const query = new URLSearchParams({ key: url.key, transaction_id: '', new_rejected_reason: 'r' });
        // A client each: no two are alike, so each is an entry of its own.
        await fetch(`${capped.baseUrl}/v1/rejections?${query}`, { headers: { 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` } });
      }
      await capped.receiver.close();
      const all = await redis.xlen(refusalStreamKey(fx.t.cfg.QUEUE_PREFIX));
      const forUrl = await redis.xlen(endpointRefusalStreamKey(fx.t.cfg.QUEUE_PREFIX, url.id));
      expect(all).toBeGreaterThanOrEqual(5);
      expect(all).toBeLessThanOrEqual(5 + node);
      expect(forUrl).toBeGreaterThanOrEqual(3);
      expect(forUrl).toBeLessThanOrEqual(3 + node);
      // The newest are the ones kept.
      const [newest] = await redis.xrevrange(refusalStreamKey(fx.t.cfg.QUEUE_PREFIX), '+', '-', 'COUNT', 1);
      expect(newest![1]).toContain(`10.9.${(sends - 1) >> 8}.${(sends - 1) & 255}`);
    } finally {
      await capped.stop().catch(() => undefined);
    }
  });
});

function byStreamId(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}
