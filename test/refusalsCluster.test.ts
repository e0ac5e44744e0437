import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalStreamKey } from '@postback/core';
import { listRefusals } from '../apps/admin/src/services/refusalList.js';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { startRedisCluster, type RedisClusterFixture } from './helpers/redisCluster.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// The refusal log on a Redis Cluster: its streams share a hash tag of their own, so the receiver's one script call
// per turn writes both, and the admin reads them, whichever primary owns that slot.

let cluster: RedisClusterFixture;
let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let url: { id: number; key: string };

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 0 });
  t = await createTestEnvironment('refusals_cluster', {}, { redisEnv: cluster.env });
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  url = await givenRejectionUrl(admin, { offerId: (await givenOffer(t.prisma)).id });
}, 120_000);

afterAll(async () => {
  await rx?.stop();
  await admin?.close();
  await t?.teardown();
  await cluster?.stop();
});

describe('refused requests on a Redis Cluster', () => {
  it('records a wrong key and a known key refused later, and the admin reads both, all and by endpoint', async () => {
    const wrong = await fetch(`${rx.baseUrl}/v1/rejections?key=NotAKey_0123456789abcdefghijklmnopqrstuvwxyz&transaction_id=t1&new_rejected_reason=r`);
    const invalid = await fetch(`${rx.baseUrl}/v1/rejections?key=${url.key}&transaction_id=t2`);
    expect([wrong.status, invalid.status]).toEqual([401, 400]);

    const all = await eventually(async () => {
      const page = await listRefusals(admin, {});
      return page.refusals.length === 2 ? page : undefined;
    }, 20_000, 'both refusals recorded');
    expect(all.refusals.map((r) => [r.status, r.endpoint_id])).toEqual([[400, url.id], [401, null]]);
    expect(all.refusals[1]!.path).toBe('/v1/rejections?key=****&transaction_id=t1&new_rejected_reason=r');
    const forUrl = await listRefusals(admin, { endpoint_id: String(url.id) });
    expect(forUrl.refusals).toEqual([all.refusals[0]]);

    // Where the streams live: the primary that owns their tag's slot holds them.
    const primary = await cluster.primaryFor(refusalStreamKey(t.cfg.QUEUE_PREFIX));
    expect(Number(await primary.command('XLEN', refusalStreamKey(t.cfg.QUEUE_PREFIX)))).toBe(2);
  });
});
