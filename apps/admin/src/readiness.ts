import type { AdminDeps } from './wiring/adminDeps.js';

export interface Readiness {
  status: 'ready' | 'not ready';
  /** When not ready: which store does not answer, naming its variable (as every admin 503 does). */
  error?: string;
  redis: 'up' | 'unreachable';
  postgres: 'up' | 'unreachable';
  read_replica: 'up' | 'unreachable' | 'not configured';
  /** Only while the replica answers; null when DATABASE_READ_URL is no standby. */
  read_replica_lag_seconds?: number | null;
}

/**
 * GET /readyz: ready while Redis (the primary that holds the queues) and the Postgres primary answer. The read replica is reported, not required: without it the admin
 * still writes, revokes URLs and looks single postbacks and conversions up, which an orchestrator taking the admin
 * out of rotation would forbid; the routes the replica serves answer 503 meanwhile (ReadReplicaUnreachableError).
 */
export async function readiness(deps: Pick<AdminDeps, 'prisma' | 'reads' | 'pingRedis'>): Promise<Readiness> {
  const [redis, postgres, replica] = await Promise.all([
    deps.pingRedis().then(
      () => 'up' as const,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    ),
    deps.prisma.$queryRaw`SELECT 1`.then(
      () => 'up' as const,
      () => 'unreachable' as const,
    ),
    deps.reads.replicaState(),
  ]);
  return {
    status: redis === 'up' && postgres === 'up' ? 'ready' : 'not ready',
    ...(redis !== 'up' ? { error: redis.message } : postgres !== 'up' ? { error: 'postgres unreachable (DATABASE_URL)' } : {}),
    redis: redis === 'up' ? 'up' : 'unreachable',
    postgres,
    read_replica: replica?.state ?? 'not configured',
    ...(replica?.state === 'up' ? { read_replica_lag_seconds: replica.lagSeconds } : {}),
  };
}
