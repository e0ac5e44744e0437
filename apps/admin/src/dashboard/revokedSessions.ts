import type { RedisConnection } from '@postback/core';

/**
 * Dashboard sessions ended by a logout before their expiry, kept in Redis under the queue prefix (so on a Redis
 * Cluster they share the queues' slot). Each entry expires with the session it names: after that the cookie's own
 * expiry refuses it, so the set never outgrows the sessions still alive.
 */
export class RevokedSessions {
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
  ) {
    this.keyPrefix = `${prefix}:revoked-admin-sessions:`;
  }

  /** Records the session as ended; false when it already was (a second logout with a copy of the cookie). */
  async revoke(sessionId: string, remainingMs: number): Promise<boolean> {
    return (await this.redis.set(this.keyPrefix + sessionId, '1', 'PX', Math.max(1, Math.ceil(remainingMs)), 'NX')) === 'OK';
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.keyPrefix + sessionId)) === 1;
  }
}
