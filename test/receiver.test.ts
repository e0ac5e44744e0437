import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, postbackJobSchema, rejectionUrl } from '@postback/core';
import { revokeRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, queuedPostback, sendPostback, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { createTestEnvironment, deleteRedisKeys, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let key: string;
let endpointId: number;
const logLines: string[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('receiver', { RATE_LIMIT_PER_KEY: '1000', KEY_CACHE_TTL_MS: '500' });
  admin = connectAdminDeps(t.cfg);
  const offer = await givenOffer(t.prisma);
  const url = await givenRejectionUrl(admin, { offerId: offer.id });
  key = url.key;
  endpointId = url.id;
  const sink = new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) });
  rx = await startReceiver(t.cfg, pino({ level: 'info' }, sink));
});

afterAll(async () => {
  await rx.stop();
  await admin.close();
  await t.teardown();
});

const get = (query: string, init?: RequestInit) => fetch(`${rx.baseUrl}/v1/rejections?${query}`, init);

describe('receiver: accepted postbacks', () => {
  it('answers 202 with a postback id only once the job is in Redis, carrying the key scope and a receipt seq', async () => {
    const res = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'bot_traffic', transaction_id: 'abc123' });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('accepted');
    const queued = await queuedPostback(onlyShard(admin).queue, String(res.body.postback_id));
    expect(queued).toBeDefined();
    expect(postbackJobSchema.parse(queued!.job).v).toBe(2);
    expect(queued!.postback).toMatchObject({ endpointId, transactionId: 'abc123', reason: 'bot_traffic' });
    expect(queued!.postback.scope.offerId).not.toBeNull();
  });

  it('accepts POST as a form body, as a JSON body, and with the fields in the query string', async () => {
    const form = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      body: new URLSearchParams({ key, new_rejected_reason: 'chargeback', transaction_id: 'f1' }),
    });
    const json = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, new_rejected_reason: 'chargeback', transaction_id: 'j1' }),
    });
    const query = await fetch(`${rx.baseUrl}/v1/rejections?key=${key}&new_rejected_reason=x&transaction_id=q1`, { method: 'POST' });
    expect([form.status, json.status, query.status]).toEqual([202, 202, 202]);
  });

  it('gives later requests a higher receipt sequence number', async () => {
    const first = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'a', transaction_id: 'order1' });
    const second = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'b', transaction_id: 'order1' });
    const [j1, j2] = await Promise.all([queuedPostback(onlyShard(admin).queue, String(first.body.postback_id)), queuedPostback(onlyShard(admin).queue, String(second.body.postback_id))]);
    expect(j2!.postback.seq).toBeGreaterThan(j1!.postback.seq);
  });

  it('never writes the key to its log, accepted or refused, and logs the endpoint id instead', async () => {
    const unknownKey = 'u'.repeat(43);
    const answers = await Promise.all([
      sendPostback(rx.baseUrl, { key, new_rejected_reason: 'bot_traffic', transaction_id: 'log1' }),
      sendPostback(rx.baseUrl, { key, new_rejected_reason: 'bot_traffic' }),
      sendPostback(rx.baseUrl, { key: unknownKey, new_rejected_reason: 'bot_traffic', transaction_id: 'log1' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 400, 401]);
    const statuses = () => logLines.map((l) => JSON.parse(l) as { status?: number });
    await eventually(async () => [202, 400, 401].every((s) => statuses().some((l) => l.status === s)), 5000, 'three access log lines');
    expect(logLines.join('\n')).not.toContain(key);
    expect(logLines.join('\n')).not.toContain(unknownKey);
    expect(logLines.some((l) => JSON.parse(l).endpoint_id === endpointId)).toBe(true);
  });

  it('counts the length limits in characters, not UTF-16 units', async () => {
    const emoji = (n: number) => '\u{1F600}'.repeat(n);
    const fits = await sendPostback(rx.baseUrl, { key, new_rejected_reason: emoji(255), transaction_id: emoji(128) });
    const over = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'r', transaction_id: emoji(129) });
    expect([fits.status, over.status]).toEqual([202, 400]);
    expect(over.body.field).toBe('transaction_id');
  });
});

describe('receiver: refused postbacks get a clear error and reach no queue', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: Array<[string, () => string, number, string]> = [
    ['missing transaction_id', () => `key=${key}&new_rejected_reason=r`, 400, 'transaction_id'],
    ['missing new_rejected_reason', () => `key=${key}&transaction_id=t`, 400, 'new_rejected_reason'],
    ['empty transaction_id', () => `key=${key}&new_rejected_reason=r&transaction_id=`, 400, 'transaction_id'],
    ['empty new_rejected_reason', () => `key=${key}&new_rejected_reason=&transaction_id=t`, 400, 'new_rejected_reason'],
    ['transaction_id over 128 characters', () => `key=${key}&new_rejected_reason=r&transaction_id=${long(129)}`, 400, 'transaction_id'],
    ['reason over 255 characters', () => `key=${key}&new_rejected_reason=${long(256)}&transaction_id=t`, 400, 'new_rejected_reason'],
    ['repeated transaction_id', () => `key=${key}&new_rejected_reason=r&transaction_id=a&transaction_id=b`, 400, 'transaction_id'],
    ['repeated new_rejected_reason', () => `key=${key}&new_rejected_reason=r&new_rejected_reason=s&transaction_id=a`, 400, 'new_rejected_reason'],
    ['repeated key', () => `key=${key}&key=${key}&new_rejected_reason=r&transaction_id=a`, 400, 'key'],
    ['array syntax', () => `key=${key}&new_rejected_reason=r&transaction_id[]=a`, 400, 'transaction_id'],
    ['control characters', () => `key=${key}&new_rejected_reason=r%00&transaction_id=a`, 400, 'new_rejected_reason'],
    ['invalid UTF-8', () => `key=${key}&new_rejected_reason=%C3%28&transaction_id=a`, 400, 'new_rejected_reason'],
    ['missing key', () => `new_rejected_reason=r&transaction_id=t`, 401, 'key'],
    ['unknown key', () => `key=${long(43)}&new_rejected_reason=r&transaction_id=t`, 401, 'key'],
  ];

  it.each(cases)('%s', async (_name, query, status, field) => {
    const before = await onlyShard(admin).queue.count();
    const res = await get(query());
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: string; field?: string };
    expect(body.error).toEqual(expect.any(String));
    expect(body.field).toBe(field);
    expect(await onlyShard(admin).queue.count()).toBe(before);
  });

  it('refuses a field sent in both the query string and the body', async () => {
    const res = await fetch(`${rx.baseUrl}/v1/rejections?key=${key}&transaction_id=a`, {
      method: 'POST',
      body: new URLSearchParams({ new_rejected_reason: 'r', transaction_id: 'b' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'transaction_id' });
  });

  it('refuses a field repeated in a JSON body, which JSON.parse would silently collapse', async () => {
    const before = await onlyShard(admin).queue.count();
    const res = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"key":"${key}","new_rejected_reason":"r","transaction_id":"a","transaction_id":"b"}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'transaction_id' });
    expect(await onlyShard(admin).queue.count()).toBe(before);
  });

  it('refuses the rejection URL fetched as shared, and a placeholder left in a form or JSON body, naming the field', async () => {
    const before = await onlyShard(admin).queue.count();
    const asShared = await fetch(rejectionUrl(rx.baseUrl, key));
    const form = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      body: new URLSearchParams({ key, new_rejected_reason: 'REPLACE_WITH_REJECTION_REASON', transaction_id: 'p1' }),
    });
    const json = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, new_rejected_reason: 'chargeback', transaction_id: 'REPLACE' }),
    });
    expect([asShared.status, form.status, json.status]).toEqual([400, 400, 400]);
    expect(await asShared.json()).toMatchObject({ field: 'transaction_id', error: expect.stringContaining('REPLACE') });
    expect(await form.json()).toMatchObject({ field: 'new_rejected_reason', error: expect.stringContaining('REPLACE_WITH_REJECTION_REASON') });
    expect(await json.json()).toMatchObject({ field: 'transaction_id' });
    expect(await onlyShard(admin).queue.count()).toBe(before);
  });

  it('answers 405 to HEAD and other methods, and stores nothing for them', async () => {
    const before = await onlyShard(admin).queue.count();
    const query = `key=${key}&new_rejected_reason=r&transaction_id=head1`;
    const head = await get(query, { method: 'HEAD' });
    const put = await get(query, { method: 'PUT' });
    expect([head.status, put.status]).toEqual([405, 405]);
    expect(head.headers.get('allow')).toBe('GET, POST');
    expect(await onlyShard(admin).queue.count()).toBe(before);
  });

  it('answers 413 to an oversized body', async () => {
    const res = await fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, new_rejected_reason: long(100_000), transaction_id: 't' }),
    });
    expect(res.status).toBe(413);
  });

  it('answers 400 to malformed JSON and 415 to a body type it does not read', async () => {
    const bad = await fetch(`${rx.baseUrl}/v1/rejections`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":' });
    const xml = await fetch(`${rx.baseUrl}/v1/rejections`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect([bad.status, xml.status]).toEqual([400, 415]);
  });

  it('answers 401 to a revoked key within the key cache lifetime', async () => {
    const offer = await givenOffer(t.prisma);
    const url = await givenRejectionUrl(admin, { offerId: offer.id });
    const ok = await sendPostback(rx.baseUrl, { key: url.key, new_rejected_reason: 'r', transaction_id: 't' });
    expect(ok.status).toBe(202);
    await revokeRejectionEndpoint(admin, url.id);
    const revokedAt = Date.now();
    await eventually(
      async () => (await sendPostback(rx.baseUrl, { key: url.key, new_rejected_reason: 'r', transaction_id: 't' })).status === 401,
      5000,
      'the revoked key to be refused',
    );
    expect(Date.now() - revokedAt).toBeLessThan(5000);
  });
});

describe('receiver: many parameters', () => {
  // Unknown parameters are ignored, however many: trackers append their own.
  const unknown = (n: number) => Array.from({ length: n }, (_, i) => `u${i}=1`).join('&');

  it('refuses a transaction_id repeated after 1,000 other parameters', async () => {
    const before = await onlyShard(admin).queue.count();
    const res = await get(`key=${key}&new_rejected_reason=r&transaction_id=a&${unknown(1000)}&transaction_id=b`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'transaction_id', error: 'transaction_id was given more than once' });
    expect(await onlyShard(admin).queue.count()).toBe(before);
  });

  it('reads a field placed after 1,000 other parameters', async () => {
    const res = await get(`key=${key}&new_rejected_reason=r&${unknown(1000)}&transaction_id=after-many`);
    expect(res.status).toBe(202);
    const queued = await queuedPostback(onlyShard(admin).queue, String(((await res.json()) as { postback_id: string }).postback_id));
    expect(queued!.postback.transactionId).toBe('after-many');
  });

  it('reads a small form body with more than 50 parameters, and sees a field repeated at its end', async () => {
    const form = (extra: string) => fetch(`${rx.baseUrl}/v1/rejections`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `key=${key}&new_rejected_reason=r&transaction_id=form-many&${unknown(60)}${extra}`,
    });
    const accepted = await form('');
    const repeated = await form('&transaction_id=b');
    expect([accepted.status, repeated.status]).toEqual([202, 400]);
    expect(await repeated.json()).toMatchObject({ field: 'transaction_id' });
  });
});

describe('receiver: limits and outages', () => {
  it('answers 429 with Retry-After once the key exceeds its rate limit, counted in Redis across receivers', async () => {
    const cfg = loadConfig({ ...t.env, RATE_LIMIT_PER_KEY: '5', RATE_LIMIT_WINDOW_SECONDS: '30', QUEUE_PREFIX: `${t.cfg.QUEUE_PREFIX.slice(0, -1)}-rl}` });
    await deleteRedisKeys(cfg.QUEUE_PREFIX);
    const offer = await givenOffer(t.prisma);
    const registryAdmin = connectAdminDeps(cfg);
    const url = await givenRejectionUrl(registryAdmin, { offerId: offer.id });
    const a = await startReceiver(cfg);
    const b = await startReceiver(cfg);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const target = i % 2 === 0 ? a : b;
        statuses.push((await sendPostback(target.baseUrl, { key: url.key, new_rejected_reason: 'r', transaction_id: `rl${i}` })).status);
      }
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
      const limited = await sendPostback(b.baseUrl, { key: url.key, new_rejected_reason: 'r', transaction_id: 'rl' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await registryAdmin.close();
      await deleteRedisKeys(cfg.QUEUE_PREFIX);
    }
  });

  it('answers 503 with Retry-After, never 202, when Redis is unreachable; /readyz says so and /healthz stays up', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const down = await startReceiver(loadConfig({ ...t.env, REDIS_URL: 'redis://127.0.0.1:1' }), pino({ level: 'info' }, sink), false);
    try {
      const res = await sendPostback(down.baseUrl, { key, new_rejected_reason: 'r', transaction_id: 't' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await fetch(`${down.baseUrl}/readyz`)).status).toBe(503);
      expect((await fetch(`${down.baseUrl}/healthz`)).status).toBe(200);
      await eventually(async () => lines.some((l) => JSON.parse(l).status === 503), 5000, 'the 503 access log line');
      expect(lines.join('\n')).not.toContain(key);
    } finally {
      await down.stop();
    }
  });

  it('answers 202 only for postbacks Redis stored when Redis goes away in the middle of a burst', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    await proxy.start();
    const viaProxy = await startReceiver(loadConfig({ ...t.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
    const answers: Array<{ status: number; postbackId?: string; retryAfter: string | null; afterRestore: boolean }> = [];
    let phase: 'before' | 'cut' | 'restored' = 'before';
    let sent = 0;
    // Sixteen advertisers' servers sending one after another until a postback is accepted after the restore.
    const sender = async () => {
      while (!(phase === 'restored' && answers.some((a) => a.afterRestore && a.status === 202))) {
        const afterRestore = phase === 'restored';
        const res = await sendPostback(viaProxy.baseUrl, { key, new_rejected_reason: 'r', transaction_id: `cut-${sent++}` });
        answers.push({ status: res.status, postbackId: res.body.postback_id as string | undefined, retryAfter: res.headers.get('retry-after'), afterRestore });
      }
    };
    try {
      const senders = Promise.all(Array.from({ length: 16 }, sender));
      await eventually(async () => answers.filter((a) => a.status === 202).length >= 100, 10_000, '100 postbacks accepted');
      await proxy.cut();
      phase = 'cut';
      await eventually(async () => answers.filter((a) => a.status === 503).length >= 50, 10_000, '50 postbacks refused');
      await proxy.restore();
      phase = 'restored';
      await senders;
    } finally {
      await proxy.cut();
      await viaProxy.stop();
    }
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202, 503]));
    expect(answers.filter((a) => a.status === 503).every((a) => a.retryAfter !== null)).toBe(true);
    const accepted = answers.filter((a) => a.status === 202);
    const stored = await Promise.all(accepted.map((a) => queuedPostback(onlyShard(admin).queue, a.postbackId!)));
    expect(stored.filter((q) => q === undefined)).toHaveLength(0);
  });

  it('reports ready when Redis answers', async () => {
    expect((await fetch(`${rx.baseUrl}/readyz`)).status).toBe(200);
  });
});

it('stores postbacks that arrive together in one job that meets the worker contract', async () => {
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => sendPostback(rx.baseUrl, { key, new_rejected_reason: 'r', transaction_id: `together-${i}` })),
  );
  const jobs = new Map<string, number>();
  for (const a of answers) {
    const queued = await queuedPostback(onlyShard(admin).queue, String(a.body.postback_id));
    expect(queued).toBeDefined();
    jobs.set(queued!.jobId, (jobs.get(queued!.jobId) ?? 0) + 1);
  }
  // Twenty concurrent requests share far fewer than twenty jobs.
  expect(jobs.size).toBeLessThan(20);
  const job = await onlyShard(admin).queue.getJob([...jobs.keys()][0]!);
  expect(postbackJobSchema.safeParse(job!.data).success).toBe(true);
  expect(job!.opts.attempts).toBe(t.cfg.JOB_ATTEMPTS);
});
