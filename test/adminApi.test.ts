import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { createAdminApp } from '../apps/admin/src/app.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenAdvertiserNameRefused } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  onlyShard,
  sendPostback,
  serve,
  serveAdminApi,
  silent,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'test-admin-token-0123456789';
const served = useAdminApi('admin_api', TOKEN, { env: { PUBLIC_BASE_URL: 'https://postbacks.example.com/', KEY_CACHE_TTL_MS: '1000' } });
let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let api: string;

beforeAll(async () => {
  ({ t, admin, api } = served);
  rx = await startReceiver(t.cfg);
});

afterAll(async () => {
  await rx?.stop();
});

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('admin API', () => {
  it('reports itself ready, without a token, while Redis and Postgres answer', async () => {
    const res = await fetch(`${api}/readyz`);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: 'ready', redis: 'up', postgres: 'up', read_replica: 'not configured' } });
  });

  it('refuses a missing or wrong token', async () => {
    expect((await fetch(`${api}/admin/dlq`)).status).toBe(401);
    expect((await call('GET', '/admin/dlq', undefined, 'wrong-token')).status).toBe(401);
  });

  it('walks an operator through advertiser, offer, both URL kinds, import, a rejection and its outcome', async () => {
    const advertiser = await call('POST', '/admin/advertisers', { name: 'Acme' });
    expect(advertiser).toMatchObject({ status: 201, body: { id: expect.any(Number), name: 'Acme' } });
    const offer = await call('POST', '/admin/offers', { advertiser_id: advertiser.body.id, name: 'Summer' });
    expect(offer).toMatchObject({ status: 201, body: { advertiser_id: advertiser.body.id, name: 'Summer' } });

    const global = await call('POST', '/admin/rejection-endpoints', { advertiser_id: advertiser.body.id });
    expect(global).toMatchObject({ status: 201, body: { scope: 'global' } });
    const key = String(global.body.key);
    expect(key.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    expect(global.body.url).toBe(
      `https://postbacks.example.com/v1/rejections?key=${key}&new_rejected_reason=REPLACE_WITH_REJECTION_REASON&transaction_id=REPLACE`,
    );
    const offerLevel = await call('POST', '/admin/rejection-endpoints', { offer_id: offer.body.id });
    expect(offerLevel).toMatchObject({ status: 201, body: { scope: 'offer', offer_id: offer.body.id } });
    const stored = await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: Number(global.body.id) } });
    expect(stored.keyHash).not.toContain(key);

    const imported = await call('POST', '/admin/conversions', {
      conversions: [
        { transaction_id: 'api-tx-1', offer_id: offer.body.id, status: 'approved', payout: 12.5 },
        { transaction_id: 'api-tx-2', offer_id: offer.body.id, status: 'pending' },
      ],
    });
    expect(imported).toEqual({ status: 201, body: { imported: 2 } });
    expect((await call('POST', '/admin/conversions', { conversions: [{ transaction_id: 'api-tx-1', offer_id: offer.body.id, status: 'approved' }] })).body).toEqual({ imported: 0 });

    const sent = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'chargeback', transaction_id: 'api-tx-1' });
    const postbackId = String(sent.body.postback_id);
    // No worker runs in this file: the postback waits in the queue, and the API says so.
    expect((await call('GET', `/admin/postbacks/${postbackId}`)).body).toMatchObject({
      postback_id: postbackId, outcome: 'queued', transaction_id: 'api-tx-1', attempts: 0, processed_at: null,
    });
  });

  it('shows a conversion with its history, and 404 for an unknown one', async () => {
    const advertiser = await call('POST', '/admin/advertisers', { name: 'Beta' });
    const offer = await call('POST', '/admin/offers', { advertiser_id: advertiser.body.id, name: 'o' });
    await call('POST', '/admin/conversions', { conversions: [{ transaction_id: 'show-1', offer_id: offer.body.id, status: 'rejected', rejected_reason: 'dup' }] });
    expect((await call('GET', '/admin/conversions/show-1')).body).toMatchObject({
      transaction_id: 'show-1', offer_id: offer.body.id, status: 'rejected', rejected_reason: 'dup', history: [],
    });
    expect((await call('GET', '/admin/conversions/nope')).status).toBe(404);
  });

  it('revokes a rejection URL: the receiver refuses its key within 5 seconds', async () => {
    const advertiser = await call('POST', '/admin/advertisers', { name: 'Gamma' });
    const endpoint = await call('POST', '/admin/rejection-endpoints', { advertiser_id: advertiser.body.id });
    const key = String(endpoint.body.key);
    expect((await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'r', transaction_id: 'x' })).status).toBe(202);
    expect((await call('DELETE', `/admin/rejection-endpoints/${endpoint.body.id}`)).status).toBe(200);
    const start = Date.now();
    await eventually(async () => (await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'r', transaction_id: 'x' })).status === 401, 5000);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('answers bad input with 400 naming the field, and unknown references with 404', async () => {
    expect(await call('POST', '/admin/advertisers', {})).toMatchObject({ status: 400, body: { field: 'name' } });
    expect((await call('POST', '/admin/offers', { advertiser_id: 999999, name: 'x' })).status).toBe(404);
    expect((await call('POST', '/admin/rejection-endpoints', { advertiser_id: 1, offer_id: 1 })).status).toBe(400);
    expect((await call('POST', '/admin/rejection-endpoints', { offer_id: 999999 })).status).toBe(404);
    expect(await call('POST', '/admin/conversions', { conversions: [{ transaction_id: 'a', offer_id: 1, status: 'weird' }] })).toMatchObject({ status: 400 });
    expect((await call('POST', '/admin/conversions', { conversions: [{ transaction_id: 'a', offer_id: 999999, status: 'approved' }] })).status).toBe(400);
    expect((await call('GET', '/admin/postbacks/not-a-uuid')).status).toBe(400);
    expect((await call('GET', '/admin/postbacks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call('DELETE', '/admin/dlq/nope')).status).toBe(404);
    expect((await call('POST', '/admin/dlq/replay', {})).status).toBe(400);
  });

  it('answers a body it cannot read with the client error the receiver would give, never a 500', async () => {
    const post = async (body: string, contentType: string) => {
      const res = await fetch(`${api}/admin/advertisers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await post('{"name":', 'application/json')).toEqual({ status: 400, body: { error: 'body is not valid JSON' } });
    expect((await post(JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024) }), 'application/json')).status).toBe(413);
    expect(await post('{"name":"Acme"}', 'application/json; charset=koi8-r')).toEqual({
      status: 415,
      body: { error: 'unsupported body encoding or charset' },
    });
  });

  it('lists, replays and deletes dead-lettered postbacks', async () => {
    const data = { job: { v: 1, transactionId: 'dlq-tx' }, failedReason: 'boom', errors: ['boom'], attemptsMade: 1, deadLetteredAt: Date.now() };
    await onlyShard(admin).deadLetters.add('dead', data, { jobId: 'dlq-a' });
    await onlyShard(admin).deadLetters.add('dead', data, { jobId: 'dlq-b' });
    const listed = await call('GET', '/admin/dlq');
    expect(listed.body).toMatchObject({ total: 2, jobs: expect.arrayContaining([expect.objectContaining({ id: 'dlq-a', error: 'boom', attempts: 1 })]) });
    expect((await call('POST', '/admin/dlq/replay', { ids: ['dlq-a'] })).body).toMatchObject({ replayed: 1 });
    expect(await onlyShard(admin).queue.getJob('dlq-a')).toBeDefined();
    expect((await call('DELETE', '/admin/dlq/dlq-b')).body).toEqual({ deleted: 'dlq-b' });
    expect((await call('GET', '/admin/dlq')).body).toMatchObject({ total: 0 });
  });
});

describe('admin API: values the columns cannot hold (issue 9)', () => {
  it.each([
    ['an advertiser id past int4', 'POST', '/admin/offers', { advertiser_id: 2147483648, name: 'x' }, 'advertiser_id'],
    ['an offer id past int4', 'POST', '/admin/rejection-endpoints', { offer_id: 2147483648 }, 'offer_id'],
    ['an advertiser id past int4 for a URL', 'POST', '/admin/rejection-endpoints', { advertiser_id: 2147483648 }, 'advertiser_id'],
    ['a payout past numeric(12,4)', 'POST', '/admin/conversions', { conversions: [{ transaction_id: 'big', offer_id: 1, status: 'approved', payout: 1e20 }] }, 'conversions.0.payout'],
    ['a NUL in a transaction id', 'POST', '/admin/conversions', { conversions: [{ transaction_id: 'a\u0000b', offer_id: 1, status: 'approved' }] }, 'conversions.0.transaction_id'],
    ['a NUL in a rejected reason', 'POST', '/admin/conversions', { conversions: [{ transaction_id: 'nul', offer_id: 1, status: 'rejected', rejected_reason: 'a\u0000' }] }, 'conversions.0.rejected_reason'],
    ['a NUL in a name', 'POST', '/admin/advertisers', { name: 'a\u0000b' }, 'name'],
    ['a lone surrogate in a name', 'POST', '/admin/advertisers', { name: 'a\ud800' }, 'name'],
    ['an endpoint id past int4 in the path', 'DELETE', '/admin/rejection-endpoints/1099511627776', undefined, 'id'],
    ['a NUL in a transaction id in the path', 'GET', '/admin/conversions/a%00b', undefined, 'transaction_id'],
    ['a NUL in a transaction id in the query', 'GET', '/admin/postbacks?transaction_id=a%00b', undefined, 'transaction_id'],
    ['an endpoint id past int4 in the query', 'GET', '/admin/postbacks?endpoint_id=2147483648', undefined, 'endpoint_id'],
    ['a NUL in a replay operator', 'POST', '/admin/dlq/replays', { filter: {}, operator: 'a\u0000' }, 'operator'],
    ['a NUL in an error kind of a replay filter', 'POST', '/admin/dlq/replays', { filter: { error_kind: 'a\u0000' } }, 'filter.error_kind'],
  ])('answers %s with 400 naming the field', async (_what, method, path, body, field) => {
    const answer = await call(method, path, body);
    expect(answer).toMatchObject({ status: 400, body: { field } });
    expect(String(answer.body.error)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
  });

  it('answers a data error Postgres raises past the schemas with 400, not 500, and logs it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    const logged = await serveAdminApi(admin, TOKEN, { logger });
    const fix = await givenAdvertiserNameRefused(t.prisma, 'out of range', '22003');
    try {
      const res = await fetch(`${logged.baseUrl}/admin/advertisers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'out of range' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'a number is out of range for its column (SQLSTATE 22003)' });
      expect(lines.join('')).toContain('postgres refused admin input');
    } finally {
      await fix();
      await logged.close();
    }
  });

  it('answers a path parameter with a broken %-escape with 400', async () => {
    expect(await call('GET', '/admin/conversions/%E0%A4%A')).toMatchObject({ status: 400, body: { error: expect.stringContaining('decode') } });
  });

  it('answers a body in a charset or encoding the API does not read with 415, not 500', async () => {
    const headerSets: Array<Record<string, string>> = [{ 'content-type': 'application/json; charset=latin1' }, { 'content-type': 'application/json', 'content-encoding': 'x-bogus' }];
    for (const headers of headerSets) {
      const res = await fetch(`${api}/admin/advertisers`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body: '{"name":"x"}' });
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
  });

  it('answers a queue-dashboard URL with a broken %-escape with 400 before bull-board reads it', async () => {
    const res = await fetch(`${api}/admin/queues/api/job-schedulers?queueName=%zz`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(400);
  });
});

describe('admin API with a store down', () => {
  // Nothing listens on port 1 (a privileged port): connections to it are refused at once.
  async function adminWith(env: Record<string, string>) {
    const deps = connectAdminDeps(loadConfig({ ...t.env, ...env }));
    const { server, baseUrl } = await serve(createAdminApp({ ...deps, adminToken: TOKEN, logger: silent() }));
    return {
      async call(method: string, path: string, body?: unknown) {
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
      },
      async close() {
        await new Promise((r) => server.close(r));
        await deps.close();
      },
    };
  }

  it('answers 503 naming Redis, without waiting for it, when Redis is unreachable', async () => {
    const down = await adminWith({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      for (const [method, path, body] of [['GET', '/admin/dlq'], ['POST', '/admin/dlq/replay', { all: true }], ['DELETE', '/admin/dlq/x']] as const) {
        expect(await down.call(method, path, body)).toEqual({ status: 503, retryAfter: '5', body: { error: 'redis unreachable (REDIS_URL)' } });
      }
      expect(await down.call('GET', '/readyz')).toEqual({
        status: 503,
        retryAfter: '5',
        body: { status: 'not ready', error: 'redis unreachable (REDIS_URL)', redis: 'unreachable', postgres: 'up', read_replica: 'not configured' },
      });
    } finally {
      await down.close();
    }
  }, 20_000);

  it('answers 503 naming Postgres when Postgres is unreachable', async () => {
    const down = await adminWith({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/postgres' });
    try {
      expect(await down.call('POST', '/admin/advertisers', { name: 'x' })).toEqual({ status: 503, retryAfter: '5', body: { error: 'postgres unreachable (DATABASE_URL)' } });
      expect((await down.call('GET', '/admin/conversions/tx')).status).toBe(503);
      expect(await down.call('GET', '/readyz')).toEqual({
        status: 503,
        retryAfter: '5',
        body: { status: 'not ready', error: 'postgres unreachable (DATABASE_URL)', redis: 'up', postgres: 'unreachable', read_replica: 'not configured' },
      });
    } finally {
      await down.close();
    }
  }, 20_000);
});
