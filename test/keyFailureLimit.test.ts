import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { capturedLogger } from './helpers/capturedLogger.js';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const LIMIT = 5;
let t: TestEnvironment;
let admin: AdminHandle;
let rx1: RunningReceiver;
let rx2: RunningReceiver;
let redis: Redis;
let validKey: string;
let revokedKey: string;
// One log for both receivers: the line for an address going over its allowance is written once, by one of them.
const log = capturedLogger();

beforeAll(async () => {
  t = await createTestEnvironment('key_failures', { AUTH_FAILURES_PER_ADDRESS: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '60', KEY_CACHE_TTL_MS: '0' });
  admin = connectAdminDeps(t.cfg);
  const offer = await givenOffer(t.prisma);
  validKey = (await givenRejectionUrl(admin, { offerId: offer.id })).key;
  const revoked = await givenRejectionUrl(admin, { offerId: offer.id });
  await revokeRejectionEndpoint(admin, revoked.id);
  revokedKey = revoked.key;
  // Two receivers sharing one Redis, as behind a load balancer; the test talks to them as a trusted (loopback)
  // proxy would, naming the client in X-Forwarded-For.
  [rx1, rx2] = await Promise.all([startReceiver(t.cfg, log.logger), startReceiver(t.cfg, log.logger)]);
  redis = new Redis(t.cfg.REDIS_URL!);
});

afterAll(async () => {
  redis?.disconnect();
  await Promise.all([rx1?.stop(), rx2?.stop()]);
  await admin?.close();
  await t?.teardown();
});

let tx = 0;
async function postback(rx: RunningReceiver, from: string, key: string) {
  const query = new URLSearchParams({ key, new_rejected_reason: 'bot_traffic', transaction_id: `t${++tx}` });
  const res = await fetch(`${rx.baseUrl}/v1/rejections?${query}`, { headers: { 'x-forwarded-for': from } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}
const badKey = (n: number) => `unknown-key-${n}`.padEnd(43, 'x');

describe('receiver: failed-key floods', () => {
  it('answers 429 with Retry-After to an address past its allowance of bad keys, counted across receivers', async () => {
    const from = '203.0.113.7';
    const first = [];
    for (let i = 0; i < LIMIT; i++) first.push(await postback(i % 2 ? rx2 : rx1, from, i === 0 ? revokedKey : badKey(i)));
    expect(first.map((a) => a.status)).toEqual(Array(LIMIT).fill(401));

    const over = await Promise.all([postback(rx1, from, badKey(100)), postback(rx2, from, badKey(101)), postback(rx2, from, revokedKey)]);
    for (const answer of over) {
      expect(answer.status).toBe(429);
      expect(answer.body).toMatchObject({ error: expect.any(String), field: 'key' });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
    }
    const overLines = log.lines().filter((l) => l.level === 40 && l.address === from);
    expect(overLines).toEqual([expect.objectContaining({ what: 'unknown or revoked keys', limit: LIMIT })]);
  });

  it('keeps accepting valid keys from the limited address and from any other', async () => {
    const limited = '203.0.113.7';
    expect((await postback(rx1, limited, badKey(200))).status).toBe(429);
    const answers = await Promise.all([postback(rx1, limited, validKey), postback(rx2, limited, validKey), postback(rx1, '203.0.113.8', validKey)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    // Another address is judged on its own failures only.
    expect((await postback(rx2, '203.0.113.8', badKey(300))).status).toBe(401);
  });

  it('counts nothing in Redis for requests with a valid key', async () => {
    const from = '198.51.100.1';
    for (let i = 0; i < LIMIT * 3; i++) expect((await postback(i % 2 ? rx2 : rx1, from, validKey)).status).toBe(202);
    expect(await redis.exists(`${t.cfg.QUEUE_PREFIX}:key-failures:${from}`)).toBe(0);
    expect(await redis.exists(`${t.cfg.QUEUE_PREFIX}:key-failures:203.0.113.7`)).toBe(1);
  });
});
