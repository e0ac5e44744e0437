import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { createAdminApp } from '../apps/admin/src/app.js';
import { givenAdvertiser, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, sendPostback, serve, silent, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// Receivers at the default KEY_CACHE_TTL_MS (2000): the promise under test is "refused within 5 s" as shipped.
const TOKEN = 'test-admin-token-0123456789';
let t: TestEnvironment;
let admin: AdminHandle;
let receivers: RunningReceiver[];

beforeAll(async () => {
  t = await createTestEnvironment('revocation');
  expect(t.cfg.KEY_CACHE_TTL_MS).toBe(2000);
  admin = connectAdminDeps(t.cfg);
  receivers = [await startReceiver(t.cfg), await startReceiver(t.cfg)];
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await admin.close();
  await t.teardown();
});

/** The admin API over a Redis connection that goes through a proxy the test can cut. */
async function adminBehindProxy() {
  const redisUrl = new URL(t.cfg.REDIS_URL);
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
