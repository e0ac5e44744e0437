import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, sendPostback, type AdminHandle } from './helpers/pipeline.js';
import { startRedisSentinel, type RedisSentinelFixture } from './helpers/redisSentinel.js';
import { readiness, rejectAndAwaitApplied, spawnPipeline, type SpawnedPipeline } from './helpers/spawnedPipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// The whole pipeline through Redis Sentinel (a primary, its replica, three sentinels, passwords on both the nodes
// and the sentinels), each app its own process from dist/ (npm run build first): it works, it says when it cannot,
// and it carries on after the primary changes, gracefully or by a crash.

let sentinel: RedisSentinelFixture;
let t: TestEnvironment;
let admin: AdminHandle;
let apps: SpawnedPipeline;
let offerId: number;
let key: string;

beforeAll(async () => {
  sentinel = await startRedisSentinel({ password: 'nodes-secret-1', sentinelPassword: 'sentinels-secret-2' });
  t = await createTestEnvironment('redis_sentinel', {}, { redisEnv: sentinel.env });
  admin = connectAdminDeps(t.cfg);
  apps = await spawnPipeline(t.env);
  const offer = await givenOffer(t.prisma);
  offerId = offer.id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
}, 120_000);

afterAll(async () => {
  await apps?.stop();
  await admin?.close();
  await t?.teardown();
  await sentinel?.stop();
});

async function givenConversions(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await givenConversion(t.prisma, { offerId })).transactionId));
}

describe('on Redis Sentinel', () => {
  it('takes postbacks (202), applies them, and serves the admin API and the CLI, through password-protected sentinels', async () => {
    const ids = await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    const rows = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: ids } } });
    expect(rows.map((r) => r.outcome)).toEqual(ids.map(() => 'rejected'));
    expect(await readiness(apps.receiverUrl)).toBe(200);
    expect(await readiness(apps.adminUrl)).toBe(200);
    const shown = await apps.cli('postback', 'show', ids[0]!);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ postback_id: ids[0], outcome: 'rejected' });
  });

  // BullMQ #648 and #3088: workers stopped consuming after a failover until restarted. SENTINEL FAILOVER promotes
  // the replica and, some seconds later, turns the old primary into its replica while it runs, dropping its
  // clients (in this Redis: `Connection is closed`, where a primary demoted by hand answers blocked clients
  // `UNBLOCKED`, see test/redisPrimaryEndpoint.test.ts).
  it('keeps consuming after a Sentinel failover turns the primary under its blocked connection into a replica', async () => {
    const former = await sentinel.primary();
    const promoted = await sentinel.failover();
    expect(promoted).not.toBe(former);
    // The former primary still takes writes until the sentinels turn it into the new one's replica (some seconds
    // later), and what a connection that had not moved yet wrote there is dropped when it resyncs: nothing is
    // asserted about that window (an acknowledgment that waits for a replica closes it). Once it is a replica,
    // whatever still blocked on it has been unblocked.
    await sentinel.waitUntilSettled();
    expect(String(await former.command('ROLE'))).toMatch(/^slave,/);
    await eventually(async () => (await readiness(apps.receiverUrl)) === 200, 30_000, 'the receiver to be ready');
    await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    expect(await readiness(apps.adminUrl)).toBe(200);
  }, 120_000);

  it('is not ready and answers 503 while no primary is reachable, then ready again, consuming, once a replica is promoted', async () => {
    const former = await sentinel.primary();
    await former.crash();
    // Before the sentinels notice (down-after-milliseconds) and promote the replica, nothing can take a write.
    // Each answers at once (no waiting for a reconnect), well within that.
    const [refused, receiverReady, adminReady] = await Promise.all([
      sendPostback(apps.receiverUrl, { key, transaction_id: 'tx-during-outage', new_rejected_reason: 'fraud' }),
      readiness(apps.receiverUrl),
      readiness(apps.adminUrl),
    ]);
    expect({ status: refused.status, retryAfter: refused.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
    expect({ receiverReady, adminReady }).toEqual({ receiverReady: 503, adminReady: 503 });

    await sentinel.waitForPromotion(former);
    await eventually(async () => (await readiness(apps.receiverUrl)) === 200, 30_000, 'the receiver to be ready again');
    await eventually(async () => (await readiness(apps.adminUrl)) === 200, 30_000, 'the admin to be ready again');
    await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    expect((await apps.cli('dlq', 'list')).code).toBe(0);
  });
});
