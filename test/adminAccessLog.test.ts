import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../apps/admin/src/dashboard/adminSession.js';
import { capturedLogger } from './helpers/capturedLogger.js';
import { connectAdminDeps, serveAdminApi, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-access-log-token-0123456789';
// What an operator might mistype into the login form: a password-like string that is not the token.
const PASSWORD_LIKE = 'Hunter2-correct-horse-battery-staple';
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;
let closeApi: () => Promise<void>;
const log = capturedLogger();

beforeAll(async () => {
  t = await createTestEnvironment('admin_access_log');
  admin = connectAdminDeps(t.cfg, log.logger);
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { logger: log.logger }));
});

afterAll(async () => {
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
});

const accessLines = () => log.lines().filter((l) => l.msg === 'admin request');
const loginWith = (token: string) =>
  fetch(`${api}/admin/login`, { method: 'POST', body: new URLSearchParams({ operator: 'gina', token, next: '/admin/console' }), redirect: 'manual' });

describe('the admin access log', () => {
  it('writes one line per request with method, path, status, duration, operator and address', async () => {
    const before = accessLines().length;
    await fetch(`${api}/admin/dlq?limit=5`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-operator': 'hank' } });
    await fetch(`${api}/admin/dlq`);
    await fetch(`${api}/healthz`);
    const lines = await eventually(async () => (accessLines().length >= before + 3 ? accessLines().slice(before) : undefined));
    expect(lines).toEqual([
      expect.objectContaining({ method: 'GET', path: '/admin/dlq', status: 200, ms: expect.any(Number), operator: 'hank', ip: '127.0.0.1' }),
      expect.objectContaining({ method: 'GET', path: '/admin/dlq', status: 401, ip: '127.0.0.1' }),
      expect.objectContaining({ method: 'GET', path: '/healthz', status: 200 }),
    ]);
    expect(lines[1]).not.toHaveProperty('operator');
  });

  it('never logs the token, a session cookie, the Authorization header or the login form', async () => {
    const before = accessLines().length;
    await fetch(`${api}/admin/dlq`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${api}/admin/dlq?token=${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${api}/admin/dlq`, { headers: { authorization: `Bearer ${PASSWORD_LIKE}` } });
    expect((await loginWith(PASSWORD_LIKE)).status).toBe(401);
    const login = await loginWith(TOKEN);
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const sessionValue = cookie.slice(SESSION_COOKIE.length + 1);
    await fetch(`${api}/admin/dlq`, { headers: { cookie } });
    await fetch(`${api}/admin/logout`, { headers: { cookie }, redirect: 'manual' });
    const lines = await eventually(async () => (accessLines().length >= before + 7 ? accessLines().slice(before) : undefined));
    expect(lines.map((l) => [l.method, l.path, l.status, l.operator])).toEqual([
      ['GET', '/admin/dlq', 200, expect.stringMatching(/^token:[0-9a-f]{12}$/)],
      ['GET', '/admin/dlq', 200, expect.stringMatching(/^token:/)],
      ['GET', '/admin/dlq', 401, undefined],
      ['POST', '/admin/login', 401, undefined],
      ['POST', '/admin/login', 303, 'gina'],
      ['GET', '/admin/dlq', 200, 'gina'],
      ['GET', '/admin/logout', 303, 'gina'],
    ]);
    const everything = log.raw();
    for (const secret of [TOKEN, PASSWORD_LIKE, sessionValue, encodeURIComponent(sessionValue), 'Bearer']) {
      expect(everything, secret).not.toContain(secret);
    }
  });
});
