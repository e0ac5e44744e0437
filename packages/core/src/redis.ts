import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import type { HostPort } from './hostPortList.js';

/**
 * What every process talks to Redis through: a standalone or sentinel-managed `Redis`, or a `Cluster`. Both take
 * the same commands and scripts (every multi-key script's keys share the queues' hash tag, so one slot), and BullMQ
 * takes either as its `connection`.
 */
export type RedisConnection = Redis | Cluster;

export type RedisConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'REDIS_SENTINELS'
  | 'REDIS_SENTINEL_NAME'
  | 'REDIS_SENTINEL_PASSWORD'
  | 'REDIS_USERNAME'
  | 'REDIS_PASSWORD'
  | 'REDIS_TLS'
>;

/** The one way of reaching Redis that the configuration names (config.ts lets exactly one through). */
export type RedisMode =
  | { kind: 'standalone'; url: string }
  | { kind: 'cluster'; nodes: readonly HostPort[] }
  | { kind: 'sentinel'; sentinels: readonly HostPort[]; name: string };

export function redisModeOf(cfg: RedisConfig): RedisMode {
  if (cfg.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: cfg.REDIS_CLUSTER_NODES };
  if (cfg.REDIS_SENTINELS) return { kind: 'sentinel', sentinels: cfg.REDIS_SENTINELS, name: cfg.REDIS_SENTINEL_NAME! };
  return { kind: 'standalone', url: cfg.REDIS_URL! };
}

/** The variable that says where Redis is, for messages such as "redis unreachable (REDIS_SENTINELS)". */
export function redisVariableOf(cfg: RedisConfig): string {
  return { standalone: 'REDIS_URL', cluster: 'REDIS_CLUSTER_NODES', sentinel: 'REDIS_SENTINELS' }[redisModeOf(cfg).kind];
}

/** What a caller may tune on its connection, in every mode. */
export interface ConnectionTuning {
  /** Sends the commands of one event-loop turn in one write. */
  enableAutoPipelining?: boolean;
  /** A command without an answer after this long fails (ioredis `commandTimeout`). */
  commandTimeout?: number;
}

/**
 * A connection for BullMQ workers and other blocking or long-lived users: commands wait for the connection
 * (to the primary, after a failover the new one) to come back rather than fail. BullMQ requires
 * maxRetriesPerRequest: null for workers, on a Cluster in its redisOptions.
 */
export function createWorkerRedis(cfg: RedisConfig, tuning: ConnectionTuning = {}): RedisConnection {
  return connect(cfg, { waits: true }, tuning);
}

/**
 * A connection for request paths that must fail fast: with the offline queue off, a command sent while no primary
 * is reachable rejects at once, so the receiver answers 503 instead of holding the request.
 */
export function createFailFastRedis(cfg: RedisConfig, tuning: ConnectionTuning = {}): RedisConnection {
  return connect(cfg, { waits: false }, tuning);
}

/**
 * Resolves when the primary that holds `hashTag`'s slot takes writes. The probe is a write that changes nothing
 * (PEXPIRE of a key that never exists): a replica refuses it (READONLY), so a connection left on a demoted
 * primary is not reported ready (and reconnects, see reconnectOnError); on a Cluster it goes to the primary of the
 * tag's slot, where a keyless PING would go to any node.
 */
export async function pingPrimary(redis: RedisConnection, hashTag: string): Promise<void> {
  await redis.pexpire(`${hashTag}:ready-probe`, 60_000);
}

/** Whether the connection's users wait for Redis to come back (workers) or fail fast (request paths). */
interface Use {
  waits: boolean;
}

// A primary that became a replica (a failover that demoted it while this connection stayed open) answers writes
// with READONLY, and a blocked BZPOPMIN with UNBLOCKED: reconnect, which finds the new primary (through the
// sentinels, or the cluster's slot map), instead of failing on the old one until a restart (BullMQ issue #648).
const reconnectOnError = (err: Error): boolean => /^(READONLY|UNBLOCKED)\b/.test(err.message);

function connect(cfg: RedisConfig, use: Use, tuning: ConnectionTuning): RedisConnection {
  const mode = redisModeOf(cfg);
  const tls = cfg.REDIS_TLS || (mode.kind === 'standalone' && mode.url.startsWith('rediss:'));
  const node: RedisOptions = {
    ...(cfg.REDIS_USERNAME ? { username: cfg.REDIS_USERNAME } : {}),
    ...(cfg.REDIS_PASSWORD ? { password: cfg.REDIS_PASSWORD } : {}),
    ...(tls ? { tls: {} } : {}),
    maxRetriesPerRequest: use.waits ? null : 1,
    reconnectOnError,
    ...(tuning.commandTimeout === undefined ? {} : { commandTimeout: tuning.commandTimeout }),
  };
  const enableAutoPipelining = tuning.enableAutoPipelining ?? false;
  switch (mode.kind) {
    case 'standalone':
      return new Redis(mode.url, { ...node, enableOfflineQueue: use.waits, enableAutoPipelining });
    case 'sentinel':
      return new Redis({
        ...node,
        enableOfflineQueue: use.waits,
        enableAutoPipelining,
        sentinels: mode.sentinels.map(({ host, port }) => ({ host, port })),
        name: mode.name,
        role: 'master',
        ...(cfg.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: cfg.REDIS_SENTINEL_PASSWORD } : {}),
        // With REDIS_TLS both the sentinels and the nodes they point to are reached over TLS.
        ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        // Subscribes to the sentinels' +switch-master: a failover moves this connection at once, not only when the
        // old primary's socket breaks (a primary cut off by a partition may keep its sockets open for a while).
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(
        mode.nodes.map(({ host, port }) => ({ host, port })),
        clusterOptions(node, use, enableAutoPipelining, tls),
      );
  }
}

function clusterOptions(node: RedisOptions, use: Use, enableAutoPipelining: boolean, tls: boolean): ClusterOptions {
  return {
    redisOptions: node,
    enableOfflineQueue: use.waits,
    enableAutoPipelining,
    // Fail-fast users: 'ready' only once CLUSTER INFO says cluster_state:ok, so a receiver does not start taking
    // postbacks on a half-formed cluster. Waiting users go without: a connect() made while the cluster says
    // cluster_state:fail (a primary died, its replica not promoted yet) never settles, even once the cluster is
    // back and the client ready, and BullMQ's worker awaits such a connect() when it resets its blocking
    // connection: it would stop consuming for good (test/redisCluster.test.ts holds the case).
    enableReadyCheck: !use.waits,
    // Never give up on the cluster as a whole: back off to one attempt every 2 s while every node is unreachable.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    // The default 1 s is short on a loaded machine, and a timed-out refresh leaves the old slot map in place.
    slotsRefreshTimeout: 3000,
    // After a primary fails, its slots answer CLUSTERDOWN or refuse connections until a replica is promoted
    // (cluster-node-timeout and an election): retry at this pace meanwhile, within commandTimeout for the
    // fail-fast connections.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    // ioredis would resolve the listed names to IP addresses, which a node's TLS certificate does not name: keep
    // the names (what ioredis's documentation advises for managed clusters with TLS, such as ElastiCache).
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
}
