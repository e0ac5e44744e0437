import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'pp_admin_session';
/** How long a browser login lasts; logging out, or a new ADMIN_TOKEN, ends it sooner. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * Browser sessions for the admin dashboard without server-side state: the cookie holds its expiry and an
 * HMAC-SHA256 of that expiry keyed with the admin token. It never holds the token, cannot be forged without it,
 * cannot be stretched past its expiry, and stops working as soon as the token changes.
 */
export function createAdminSessions(token: string) {
  const sign = (expiresAt: number) => createHmac('sha256', token).update(`admin-session:v1:${expiresAt}`).digest();
  return {
    issue(now = Date.now()): { value: string; expires: Date } {
      const expiresAt = now + SESSION_TTL_MS;
      return { value: `v1.${expiresAt}.${sign(expiresAt).toString('base64url')}`, expires: new Date(expiresAt) };
    },
    verify(value: string, now = Date.now()): boolean {
      const [version, expires, mac] = value.split('.');
      if (version !== 'v1' || !expires || !mac || !/^\d{1,15}$/.test(expires)) return false;
      const expiresAt = Number(expires);
      if (expiresAt <= now) return false;
      const sent = Buffer.from(mac, 'base64url');
      const expected = sign(expiresAt);
      // timingSafeEqual throws on unequal lengths; the length of a MAC is public anyway.
      return sent.length === expected.length && timingSafeEqual(sent, expected);
    },
  };
}
export type AdminSessions = ReturnType<typeof createAdminSessions>;
