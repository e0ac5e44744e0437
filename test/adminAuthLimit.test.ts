import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { createAdminSessions, SESSION_COOKIE } from '../apps/admin/src/dashboard/adminSession.js';
import { capturedLogger } from './helpers/capturedLogger.js';
import { freePort } from './helpers/freePort.js';
import { requestFrom } from './helpers/fromAddress.js';
import { connectAdminDeps, serveAdminApi, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-auth-limit-token-0123456789';
const LIMIT = 5;
const WINDOW_SECONDS = 60;
const OVER_LIMIT_MSG = 'too many authentication failures from one address: refusing it until its window ends';
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;
let closeApi: () => Promise<void>;
const log = capturedLogger();

beforeAll(async () => {
  t = await createTestEnvironment('admin_auth_limit', {
    ADMIN_AUTH_FAILURES_PER_ADDRESS: String(LIMIT),
    ADMIN_AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  });
  admin = connectAdminDeps(t.cfg, log.logger);
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { logger: log.logger }));
});

afterAll(async () => {
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
});

const bearer = (from: string, token: string, path = '/admin/dlq') =>
  requestFrom(from, `${api}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
const login = (from: string, token: string, operator = 'erin') =>
  requestFrom(from, `${api}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ operator, token, next: '/admin/console' }).toString(),
  });
const overLimitLines = (address: string) => log.lines().filter((l) => l.msg === OVER_LIMIT_MSG && l.address === address);

function expectRefusedForAWhile(answer: { status: number; headers: Record<string, unknown> }) {
  expect(answer.status).toBe(429);
  expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe('admin: failed-login and failed-token limit per client address', () => {
  it('answers 429 with Retry-After once an address sent too many wrong tokens, and logs it once', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < LIMIT; i++) expect((await bearer(from, `wrong-token-${i}`)).status).toBe(401);
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => bearer(from, `wrong-token-${LIMIT + i}`)));
    for (const answer of flood) expectRefusedForAWhile(answer);
    expect(overLimitLines(from)).toEqual([
      expect.objectContaining({ level: 40, address: from, limit: LIMIT, window_seconds: WINDOW_SECONDS }),
    ]);
  });

  it('refuses the right token from the refused address, and serves it from any other', async () => {
    const limited = '127.0.0.2';
    expectRefusedForAWhile(await bearer(limited, TOKEN));
    expect((await bearer('127.0.0.3', TOKEN)).status).toBe(200);
    // Another address is judged on its own failures only.
    expect((await bearer('127.0.0.3', 'wrong-token')).status).toBe(401);
    expect((await bearer('127.0.0.3', TOKEN)).status).toBe(200);
  });

  it('counts session cookies that fail', async () => {
    const from = '127.0.0.4';
    const forged = createAdminSessions('not-the-admin-token-0123456789', admin).issue('mallory').value;
    const withCookie = () => requestFrom(from, `${api}/admin/dlq`, { headers: { cookie: `${SESSION_COOKIE}=${forged}`, accept: 'application/json' } });
    for (let i = 0; i < LIMIT; i++) expect((await withCookie()).status).toBe(401);
    expectRefusedForAWhile(await withCookie());
    // A live session from that address is refused as well, like the right token.
    const live = createAdminSessions(TOKEN, admin).issue('erin').value;
    expectRefusedForAWhile(await requestFrom(from, `${api}/admin/dlq`, { headers: { cookie: `${SESSION_COOKIE}=${live}` } }));
    expect(overLimitLines(from)).toHaveLength(1);
  });

  it('counts wrong logins, then refuses even the right one from that address, not from another', async () => {
    const from = '127.0.0.5';
    for (let i = 0; i < LIMIT; i++) expect((await login(from, `wrong-${i}`)).status).toBe(401);
    const over = await login(from, 'wrong-again');
    expectRefusedForAWhile(over);
    expect(over.headers['set-cookie']).toBeUndefined();
    const right = await login(from, TOKEN);
    expectRefusedForAWhile(right);
    expect(right.headers['set-cookie']).toBeUndefined();
    const elsewhere = await login('127.0.0.6', TOKEN);
    expect(elsewhere.status).toBe(303);
    expect(String(elsewhere.headers['set-cookie'])).toContain(`${SESSION_COOKIE}=`);
  });

  it('does not count requests that send no credentials at all', async () => {
    const from = '127.0.0.7';
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await requestFrom(from, `${api}/admin/dlq`, { headers: { accept: 'application/json' } })).status).toBe(401);
    }
    expect((await bearer(from, TOKEN)).status).toBe(200);
  });

  it('while Redis is unreachable lets the right token through and answers a wrong one 401, uncounted', async () => {
    const down = capturedLogger();
    const deps = connectAdminDeps(loadConfig({ ...t.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` }), down.logger);
    const { baseUrl, close } = await serveAdminApi(deps, TOKEN, { logger: down.logger });
    try {
      for (let i = 0; i < LIMIT + 2; i++) {
        const wrong = await requestFrom('127.0.0.8', `${baseUrl}/admin/postbacks`, { headers: { authorization: 'Bearer wrong-token' } });
        expect(wrong.status).toBe(401);
      }
      // The postback log is in Postgres: an operator can still read it while Redis is away.
      const right = await requestFrom('127.0.0.8', `${baseUrl}/admin/postbacks`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
      expect(down.lines().some((l) => l.msg === 'could not count an authentication failure')).toBe(true);
      expect(down.lines().some((l) => String(l.msg).startsWith('could not check the admin failed-login limit'))).toBe(true);
    } finally {
      await close();
      await deps.close();
    }
  });
});
