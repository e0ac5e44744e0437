import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from './helpers/redisProcess.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { startPrimaryAndReplica, switchOver } from './helpers/redisReplication.js';
import { readiness, rejectAndAwaitApplied, spawnPipeline, type SpawnedPipeline } from './helpers/spawnedPipeline.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// Managed Redis with a replica and no Sentinel for the clients (ElastiCache's primary endpoint, for one): the apps
// reach REDIS_URL, a name the service moves to the replica it promotes, while the connections already open stay
// with the old primary, which the service turns into a replica. Here a TCP proxy is that endpoint.
// BullMQ #648: workers blocked on the old primary got "UNBLOCKED force unblock from blocking operation, instance
// state changed (master -> replica?)" and then stopped consuming until restarted.

const PASSWORD = 'endpoint-secret-3';
let primary: RedisProcess;
let replica: RedisProcess;
let endpoint: TcpProxy;
let t: TestEnvironment;
let admin: AdminHandle;
let apps: SpawnedPipeline;
let offerId: number;
let key: string;

beforeAll(async () => {
  [primary, replica] = await startPrimaryAndReplica({ password: PASSWORD, role: 'endpoint' });
  endpoint = new TcpProxy('127.0.0.1', primary.port);
  await endpoint.start();
  t = await createTestEnvironment('redis_endpoint', {}, { redisEnv: { REDIS_URL: `redis://127.0.0.1:${endpoint.port}`, REDIS_PASSWORD: PASSWORD } });
  admin = connectAdminDeps(t.cfg);
  apps = await spawnPipeline(t.env);
  offerId = (await givenOffer(t.prisma)).id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
}, 120_000);

afterAll(async () => {
  await apps?.stop();
  await admin?.close();
  await t?.teardown();
  await endpoint?.cut();
  await Promise.all([primary?.remove(), replica?.remove()]);
});

async function givenConversions(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await givenConversion(t.prisma, { offerId })).transactionId));
}

describe('managed Redis behind a primary endpoint', () => {
  it('takes and applies postbacks with the password in REDIS_PASSWORD', async () => {
    await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    expect(await readiness(apps.receiverUrl)).toBe(200);
  });

  it('moves every app to the promoted replica, the worker included, after the primary is demoted under their open connections', async () => {
    await switchOver(primary, replica, () => endpoint.retarget('127.0.0.1', replica.port));
    // Their connections to the old primary, now a replica, answer READONLY (the worker's blocked one UNBLOCKED):
    // each reconnects, through the endpoint, to the new primary.
    await eventually(async () => (await readiness(apps.receiverUrl)) === 200, 30_000, 'the receiver to be ready again');
    await eventually(async () => (await readiness(apps.adminUrl)) === 200, 30_000, 'the admin to be ready again');
    await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10), 30_000);
  });
});
