import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCheck } from '../apps/admin/src/adminToken.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { freePort, isListening } from './helpers/freePort.js';
import { startReceiver, type RunningReceiver } from './helpers/pipeline.js';
import { spawnApp } from './helpers/spawnApp.js';
import type { TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-access-token-0123456789abcdef';
const served = useAdminApi('admin_access', TOKEN);
let t: TestEnvironment;
let api: string;
let rx: RunningReceiver;

beforeAll(async () => {
  ({ t, api } = served);
  rx = await startReceiver(t.cfg);
});

afterAll(async () => {
  await rx?.stop();
});

const withAuth = (authorization?: string): RequestInit => ({ headers: authorization === undefined ? {} : { authorization } });

describe('admin API access', () => {
  it('answers 401 with WWW-Authenticate to a missing, wrong, truncated, extended or non-Bearer token', async () => {
    const refused = [undefined, 'Bearer ', 'Bearer wrong', `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.toUpperCase()}`, `Basic ${TOKEN}`, TOKEN];
    for (const authorization of refused) {
      const res = await fetch(`${api}/admin/dlq`, withAuth(authorization));
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
    const posted = await fetch(`${api}/admin/advertisers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(posted.status).toBe(401);
    expect(await t.prisma.advertiser.count()).toBe(0);
  });

  it('serves an operator with the right token', async () => {
    expect((await fetch(`${api}/admin/dlq`, withAuth(`Bearer ${TOKEN}`))).status).toBe(200);
  });

  it('is not reachable on the public port: the receiver answers 404 to /admin/*, even with the token', async () => {
    for (const [method, path] of [['GET', '/admin/dlq'], ['POST', '/admin/advertisers'], ['DELETE', '/admin/dlq/1'], ['POST', '/admin/dlq/replay']] as const) {
      const res = await fetch(`${rx.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: method === 'POST' ? '{"name":"x","all":true}' : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    }
    expect(await t.prisma.advertiser.count()).toBe(0);
  });
});

it('listens on ADMIN_HOST, loopback by default, not on the receiver\'s HOST', async () => {
  const port = await freePort();
  const app = spawnApp('admin', { ...t.env, LOG_LEVEL: 'info', HOST: '0.0.0.0', ADMIN_PORT: String(port), ADMIN_TOKEN: TOKEN });
  try {
    expect(await app.waitForLog((l) => l.msg === 'admin API listening')).toMatchObject({ host: '127.0.0.1', port });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Another loopback address: reachable if the admin had bound every interface (0.0.0.0), as HOST says.
    expect(await isListening(port, '127.0.0.2')).toBe(false);
  } finally {
    await app.stop();
  }
});

it('checks the token by digest: the right token passes; a prefix, an extension and an empty string do not', () => {
  const matches = createTokenCheck('the-right-token-of-some-length');
  expect(matches('the-right-token-of-some-length')).toBe(true);
  for (const wrong of ['the-right-token-of-some-lengtH', 'the-right-token', 'the-right-token-of-some-length!', '']) {
    expect(matches(wrong)).toBe(false);
  }
});
