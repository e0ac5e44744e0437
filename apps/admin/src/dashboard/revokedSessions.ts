import { NO_REPLICA_WAIT, replicatedWrite, type RedisConnection, type Replication, type ReplicaPolicy } from '@postback/core';

/**
 * Dashboard sessions ended by a logout before their expiry, kept in Redis under the queue prefix (so on a Redis
 * Cluster they share the queues' slot). Each entry expires with the session it names: after that the cookie's own
 * expiry refuses it, so the set never outgrows the sessions still alive.
 */
export class RevokedSessions {
  private readonly keyPrefix: string;
  private readonly replication: Replication;

  /** `replicas`: what a logout waits for before it answers (ACK_REPLICAS): a failover must not revive the session. */
  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    replicas: ReplicaPolicy = NO_REPLICA_WAIT,
  ) {
    this.keyPrefix = `${prefix}:revoked-admin-sessions:`;
    this.replication = { connection: redis, policy: replicas };
  }

  /** Records the session as ended; false when it already was (a second logout with a copy of the cookie). */
  async revoke(sessionId: string, remainingMs: number): Promise<boolean> {
    const key = this.keyPrefix + sessionId;
    return (await replicatedWrite(this.replication, key, () => this.redis.set(key, '1', 'PX', Math.max(1, Math.ceil(remainingMs)), 'NX'))) === 'OK';
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.keyPrefix + sessionId)) === 1;
  }
}
