import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A check of the admin bearer token that takes the same time whatever is sent. Both sides are hashed to SHA-256
 * first, so timingSafeEqual always compares 32 bytes (it would throw on unequal lengths, and a length check would
 * itself leak the token's length), and how much of a guess matches the token shows in no timing.
 */
export function createTokenCheck(token: string): (sent: string) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (sent) => timingSafeEqual(createHash('sha256').update(sent).digest(), expected) && sent !== '';
}

/**
 * Who a request or command authenticated only by the shared admin token is recorded as (audit rows, replay
 * history): "token:" and the first 12 hex digits of the token's SHA-256, which tells tokens apart without being
 * usable as one.
 */
export function tokenFingerprint(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}
