import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminDeps } from '../wiring/adminDeps.js';

export const SESSION_COOKIE = 'pp_admin_session';
/** How long a browser login lasts; logging out, or a new ADMIN_TOKEN, ends it sooner. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A session as its cookie names it, once the signature and expiry are checked. */
export interface Session {
  id: string;
  expiresAt: number;
  /** The name given at login: audit records of this session's actions carry it. */
  operator: string;
}

/**
 * Browser sessions for the admin dashboard: the cookie holds a random session id, its expiry, the operator's name
 * (base64url) and an HMAC-SHA256 of the three keyed with the admin token. It never holds the token, cannot be
 * forged without it (nor renamed to another operator), cannot be stretched past its expiry, and stops working as
 * soon as the token changes. A logout records the id in RevokedSessions, so a copy of the cookie stops working
 * too; checking that costs one Redis read per cookie-authenticated request, and while Redis is unreachable the
 * check fails (503) rather than let a possibly ended session in.
 */
export function createAdminSessions(token: string, deps: Pick<AdminDeps, 'revokedSessions' | 'withRedis'>) {
  const sign = (id: string, expiresAt: number, operator: string) =>
    createHmac('sha256', token).update(`admin-session:v3:${id}:${expiresAt}:${operator}`).digest();

  function read(value: string, now: number): Session | undefined {
    const [version, id, expires, operator, mac, ...rest] = value.split('.');
    if (version !== 'v3' || !id || !expires || !operator || !mac || rest.length > 0) return undefined;
    if (!/^[\w-]{22}$/.test(id) || !/^\d{1,15}$/.test(expires) || !/^[\w-]{1,600}$/.test(operator)) return undefined;
    const expiresAt = Number(expires);
    if (expiresAt <= now) return undefined;
    const sent = Buffer.from(mac, 'base64url');
    const expected = sign(id, expiresAt, operator);
    // timingSafeEqual throws on unequal lengths; the length of a MAC is public anyway.
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return undefined;
    return { id, expiresAt, operator: Buffer.from(operator, 'base64url').toString('utf8') };
  }

  return {
    /** A new session for `operator` (a name already checked by parseOperatorName). */
    issue(operator: string, now = Date.now()): { value: string; expires: Date } {
      const id = randomBytes(16).toString('base64url');
      const expiresAt = now + SESSION_TTL_MS;
      const name = Buffer.from(operator, 'utf8').toString('base64url');
      return { value: `v3.${id}.${expiresAt}.${name}.${sign(id, expiresAt, name).toString('base64url')}`, expires: new Date(expiresAt) };
    },
    /** The session a cookie names (signature and expiry checked), without asking whether it was ended. */
    peek(value: string, now = Date.now()): Session | undefined {
      return read(value, now);
    },
    /** The cookie's session when it is a live one; throws TransientStoreError while Redis is unreachable. */
    async verify(value: string, now = Date.now()): Promise<Session | undefined> {
      const session = read(value, now);
      if (!session) return undefined;
      return (await deps.withRedis(() => deps.revokedSessions.isRevoked(session.id))) ? undefined : session;
    },
    /**
     * Ends the cookie's session everywhere it was copied to. Returns the session when this call ended it, undefined
     * when the cookie was no live session (nothing to end, or ended before).
     */
    async end(value: string, now = Date.now()): Promise<Session | undefined> {
      const session = read(value, now);
      if (!session) return undefined;
      return (await deps.withRedis(() => deps.revokedSessions.revoke(session.id, session.expiresAt - now))) ? session : undefined;
    },
  };
}
export type AdminSessions = ReturnType<typeof createAdminSessions>;
