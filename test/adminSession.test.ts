import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { createAdminApp } from '../apps/admin/src/app.js';
import { createAdminSessions, SESSION_COOKIE, SESSION_TTL_MS } from '../apps/admin/src/dashboard/adminSession.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { connectAdminDeps, serve, silent, type AdminHandle } from './helpers/pipeline.js';
import { freePort } from './helpers/freePort.js';
import type { TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-session-token-0123456789';
const served = useAdminApi('admin_session', TOKEN);
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;

beforeAll(() => {
  ({ t, admin, api } = served);
});

const login = (token: string, next = '/admin/console', operator = 'alice') =>
  fetch(`${api}/admin/login`, { method: 'POST', body: new URLSearchParams({ operator, token, next }), redirect: 'manual' });
const cookieValueOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
const withCookie = (value: string, accept = 'application/json') =>
  fetch(`${api}/admin/dlq`, { headers: { cookie: `${SESSION_COOKIE}=${value}`, accept }, redirect: 'manual' });

describe('logging in to the admin dashboard', () => {
  it('sends a browser without a session to the login form, and a script without a token gets 401', async () => {
    const page = await fetch(`${api}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fqueues');
    expect((await fetch(`${api}/admin/dlq`)).status).toBe(401);
  });

  it('refuses a wrong token with the form again and no cookie', async () => {
    const res = await login('wrong-token-wrong-token');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('turns the right token into an HttpOnly, SameSite=Strict session cookie holding no token, good for the API', async () => {
    const res = await login(TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/console');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/admin');
    expect(cookie).toContain('Expires=');
    // Plain HTTP here: Secure would keep the browser from sending it back.
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain(TOKEN);
    const value = cookie.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
    expect((await withCookie(value)).status).toBe(200);
  });

  it('accepts no forged, tampered, expired or other-token cookie', async () => {
    const now = Date.now();
    const good = createAdminSessions(TOKEN, admin).issue('alice', now).value;
    const [version, id, expires, operator, mac] = good.split('.');
    const expired = createAdminSessions(TOKEN, admin).issue('alice', now - SESSION_TTL_MS - 1000).value;
    expect((await withCookie(good)).status).toBe(200);
    for (const value of [
      'v3.AAAAAAAAAAAAAAAAAAAAAA.9999999999999.YWxpY2U.AAAA',
      `${version}.${id}.${Number(expires) + 1000}.${operator}.${mac}`,
      `${version}.${id!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${expires}.${operator}.${mac}`,
      // Another operator's name on alice's session.
      `${version}.${id}.${expires}.${Buffer.from('mallory').toString('base64url')}.${mac}`,
      // The format before operator names (v2, no name), signed as it was then.
      `v2.${id}.${expires}.${mac}`,
      expired,
      createAdminSessions('another-admin-token-0123456789', admin).issue('alice', now).value,
      TOKEN,
    ]) {
      expect((await withCookie(value)).status).toBe(401);
    }
  });

  it('ends the session on logout, also for a copy of the cookie taken before', async () => {
    const value = cookieValueOf(await login(TOKEN));
    const other = cookieValueOf(await login(TOKEN));
    expect((await withCookie(value)).status).toBe(200);
    const out = await fetch(`${api}/admin/logout`, { headers: { cookie: `${SESSION_COOKIE}=${value}` }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/login');
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    // The browser forgot it; a copy sent anyway is refused.
    expect((await withCookie(value)).status).toBe(401);
    // Another login's session lives on.
    expect((await withCookie(other)).status).toBe(200);
  });

  it('answers 503, letting no session in and ending none, while Redis is unreachable', async () => {
    const deps = connectAdminDeps(loadConfig({ ...t.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` }));
    const { server, baseUrl } = await serve(createAdminApp({ ...deps, adminToken: TOKEN, logger: silent() }));
    try {
      const value = createAdminSessions(TOKEN, admin).issue('alice').value;
      const cookie = { cookie: `${SESSION_COOKIE}=${value}` };
      const res = await fetch(`${baseUrl}/admin/dlq`, { headers: { ...cookie, accept: 'application/json' }, redirect: 'manual' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'redis unreachable (REDIS_URL)' });
      expect((await fetch(`${baseUrl}/admin/logout`, { headers: cookie, redirect: 'manual' })).status).toBe(503);
      // The bearer token needs no Redis to be checked (the postback log is in Postgres).
      expect((await fetch(`${baseUrl}/admin/postbacks`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
      await deps.close();
    }
  });

  it('sends a login on only to a page of the admin app', async () => {
    for (const next of ['https://evil.example/', '//evil.example/admin/', '/admin//evil.example']) {
      expect((await login(TOKEN, next)).headers.get('location')).toBe('/admin/console');
    }
  });
});
