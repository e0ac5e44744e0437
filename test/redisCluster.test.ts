import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { createWorkerRedis } from '@postback/core';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { startRedisCluster, type RedisClusterFixture } from './helpers/redisCluster.js';
import { until } from './helpers/redisProcess.js';
import { readiness, rejectAndAwaitApplied, spawnPipeline, type SpawnedPipeline } from './helpers/spawnedPipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// The whole pipeline on a Redis Cluster of three primaries and three replicas with a password, each app its own
// process from dist/ (npm run build first): it works, it says when the primary that holds the queues is gone, and
// it carries on once that primary's replica is promoted.

let cluster: RedisClusterFixture;
let t: TestEnvironment;
let admin: AdminHandle;
let apps: SpawnedPipeline;
let offerId: number;
let key: string;

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1, password: 'cluster-secret-4' });
  t = await createTestEnvironment('redis_cluster', {}, { redisEnv: cluster.env });
  admin = connectAdminDeps(t.cfg);
  apps = await spawnPipeline(t.env);
  offerId = (await givenOffer(t.prisma)).id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
}, 120_000);

afterAll(async () => {
  await apps?.stop();
  await admin?.close();
  await t?.teardown();
  await cluster?.stop();
});

async function givenConversions(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await givenConversion(t.prisma, { offerId })).transactionId));
}

/** A key in the queues' slot: every key of the pipeline carries the prefix's hash tag. */
const queuesKey = () => `${t.cfg.QUEUE_PREFIX}:rejections:id`;

describe('on a Redis Cluster', () => {
  it('takes postbacks (202), applies them, and serves the admin API and the CLI, with a password on every node', async () => {
    const ids = await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    const rows = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: ids } } });
    expect(rows.map((r) => r.outcome)).toEqual(ids.map(() => 'rejected'));
    // The queues' keys are where the hash tag puts them: on one primary, the one serving their slot.
    const primary = await cluster.primaryFor(queuesKey());
    expect(Number(await primary.command('EXISTS', `${t.cfg.QUEUE_PREFIX}:receipt-seq`))).toBe(1);
    expect(await readiness(apps.receiverUrl)).toBe(200);
    expect(await readiness(apps.adminUrl)).toBe(200);
    const shown = await apps.cli('postback', 'show', ids[0]!);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ postback_id: ids[0], outcome: 'rejected' });
  });

  // What stopped the worker here, now and then, after a failover: BullMQ resets its blocking connection (a
  // duplicate of the worker's) with disconnect() and connect() when a blocking read outlives its timeout, and an
  // ioredis Cluster connect() made while the cluster says cluster_state:fail never settled with the ready check
  // on, even once the cluster and the client were back. Made deterministic: the connect() happens in that window.
  it('gives a worker connection that connects while a primary is down a connect() that settles once a replica takes over', async () => {
    const connection = createWorkerRedis(t.cfg) as Cluster;
    const duplicate = connection.duplicate([], { lazyConnect: true });
    connection.disconnect();
    duplicate.on('error', () => undefined);
    try {
      const former = await cluster.primaryFor('{failover-probe}');
      await former.crash();
      await until('the cluster to report the failure', async () => String(await cluster.answeringNode().command('CLUSTER', 'INFO')).includes('cluster_state:fail'));
      const connected = duplicate.connect().then(() => 'settled', () => 'settled');
      await cluster.waitForFailover('{failover-probe}', former);
      const stillPending = new Promise((resolve) => setTimeout(() => resolve('still pending 10 s after the failover'), 10_000));
      expect(await Promise.race([connected, stillPending])).toBe('settled');
      await former.restart();
      await cluster.waitUntilOk();
    } finally {
      duplicate.disconnect();
    }
  }, 120_000);

  it('is not ready while the primary that holds the queues is down, then ready, taking and applying postbacks, once its replica is promoted', async () => {
    const former = await cluster.primaryFor(queuesKey());
    await former.crash();
    // Until the other nodes mark it failed (cluster-node-timeout) and its replica wins the election, the queues'
    // slot has no primary, whichever node a connection asks.
    const [receiverReady, adminReady] = await Promise.all([readiness(apps.receiverUrl), readiness(apps.adminUrl)]);
    expect({ receiverReady, adminReady }).toEqual({ receiverReady: 503, adminReady: 503 });

    const promoted = await cluster.waitForFailover(queuesKey(), former);
    expect(promoted).not.toBe(former);
    await eventually(async () => (await readiness(apps.receiverUrl)) === 200, 30_000, 'the receiver to be ready again');
    await eventually(async () => (await readiness(apps.adminUrl)) === 200, 30_000, 'the admin to be ready again');
    await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, await givenConversions(10));
    expect((await apps.cli('dlq', 'list')).code).toBe(0);
  }, 120_000);
});

it('refuses to start with two ways to reach Redis, naming both variables', async () => {
  const started = promisify(execFile)(process.execPath, ['apps/worker/dist/main.js'], {
    env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: cluster.env.REDIS_CLUSTER_NODES! },
  });
  await expect(started).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('REDIS_URL, REDIS_CLUSTER_NODES: set only one') });
});
