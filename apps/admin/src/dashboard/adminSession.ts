import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminDeps } from '../wiring/adminDeps.js';

export const SESSION_COOKIE = 'pp_admin_session';
/** How long a browser login lasts; logging out, or a new ADMIN_TOKEN, ends it sooner. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A session as its cookie names it, once the signature and expiry are checked. */
interface Session {
  id: string;
  expiresAt: number;
}

/**
 * Browser sessions for the admin dashboard: the cookie holds a random session id, its expiry and an HMAC-SHA256 of
 * both keyed with the admin token. It never holds the token, cannot be forged without it, cannot be stretched past
 * its expiry, and stops working as soon as the token changes. A logout records the id in RevokedSessions, so a
 * copy of the cookie stops working too; checking that costs one Redis read per cookie-authenticated request, and
 * while Redis is unreachable the check fails (503) rather than let a possibly ended session in.
 */
export function createAdminSessions(token: string, deps: Pick<AdminDeps, 'revokedSessions' | 'withRedis'>) {
  const sign = (id: string, expiresAt: number) => createHmac('sha256', token).update(`admin-session:v2:${id}:${expiresAt}`).digest();

  function read(value: string, now: number): Session | undefined {
    const [version, id, expires, mac] = value.split('.');
    if (version !== 'v2' || !id || !expires || !mac || !/^[\w-]{22}$/.test(id) || !/^\d{1,15}$/.test(expires)) return undefined;
    const expiresAt = Number(expires);
    if (expiresAt <= now) return undefined;
    const sent = Buffer.from(mac, 'base64url');
    const expected = sign(id, expiresAt);
    // timingSafeEqual throws on unequal lengths; the length of a MAC is public anyway.
    return sent.length === expected.length && timingSafeEqual(sent, expected) ? { id, expiresAt } : undefined;
  }

  return {
    issue(now = Date.now()): { value: string; expires: Date } {
      const id = randomBytes(16).toString('base64url');
      const expiresAt = now + SESSION_TTL_MS;
      return { value: `v2.${id}.${expiresAt}.${sign(id, expiresAt).toString('base64url')}`, expires: new Date(expiresAt) };
    },
    /** Whether the cookie is a live session; throws TransientStoreError while Redis is unreachable. */
    async verify(value: string, now = Date.now()): Promise<boolean> {
      const session = read(value, now);
      if (!session) return false;
      return !(await deps.withRedis(() => deps.revokedSessions.isRevoked(session.id)));
    },
    /** Ends the cookie's session everywhere it was copied to; a cookie that is no live session needs nothing. */
    async end(value: string, now = Date.now()): Promise<void> {
      const session = read(value, now);
      if (session) await deps.withRedis(() => deps.revokedSessions.revoke(session.id, session.expiresAt - now));
    },
  };
}
export type AdminSessions = ReturnType<typeof createAdminSessions>;
