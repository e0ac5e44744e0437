import { RedisProcess, until } from './redisProcess.js';

// A primary and its replica of the test's own, with the append-only file on: what managed Redis with a replica
// runs behind its endpoint, and what a Sentinel setup watches (redisSentinel.ts).

export interface RedisReplicationOptions {
  /** requirepass and masterauth of both nodes. */
  password?: string;
  /** For the folders' names. */
  role?: string;
}

/** Starts a primary, then its replica, and waits until the replica's initial sync is done. */
export async function startPrimaryAndReplica(options: RedisReplicationOptions = {}): Promise<[RedisProcess, RedisProcess]> {
  const { password } = options;
  const role = options.role ?? 'replication';
  const auth = password ? [`requirepass ${password}`, `masterauth ${password}`] : [];
  const conf = ['appendonly yes', 'appendfsync always', 'maxmemory-policy noeviction', ...auth];
  const primary = await RedisProcess.start({ role: `${role}-primary`, conf, password });
  try {
    const replica = await RedisProcess.start({ role: `${role}-replica`, conf: [...conf, `replicaof 127.0.0.1 ${primary.port}`], password });
    await until('the replica to sync', () => isReplicaInSync(replica));
    return [primary, replica];
  } catch (err) {
    await primary.remove();
    throw err;
  }
}

/** Whether `node` is a replica whose link to its primary is up (its sync done). */
export async function isReplicaInSync(node: RedisProcess): Promise<boolean> {
  return String(await node.command('INFO', 'replication')).includes('master_link_status:up');
}

/**
 * A failover as a managed service without Sentinel does it, by hand: the replica is promoted (REPLICAOF NO ONE),
 * then the old primary is made its replica while it runs (REPLICAOF). Clients blocked on the old primary get
 * `UNBLOCKED … (master -> replica?)`, and its connections stay open, now to a replica that answers writes with
 * READONLY. `afterPromotion` runs in between: where the service moves its endpoint to the new primary. Resolves
 * once the old primary has synced from the new one.
 */
export async function switchOver(primary: RedisProcess, replica: RedisProcess, afterPromotion?: () => void): Promise<void> {
  await replica.command('REPLICAOF', 'NO', 'ONE');
  afterPromotion?.();
  await primary.command('REPLICAOF', '127.0.0.1', replica.port);
  await until('the former primary to sync from the new one', () => isReplicaInSync(primary));
}
