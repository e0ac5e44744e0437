import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createFailFastRedis, createWorkerRedis, redisVariableOf, type RedisConnection } from './redis.js';

// The options each mode's connections get, read back from the clients (pointed at a closed port, and dropped at
// once): the contract BullMQ and the failover behaviour rely on. The behaviour itself is tested against real
// servers in test/redisCluster.test.ts, test/redisSentinel.test.ts and test/redisPrimaryEndpoint.test.ts.

const CLOSED = '127.0.0.1:1';
const modes = {
  standalone: { REDIS_URL: `redis://${CLOSED}`, REDIS_PASSWORD: 'secret' },
  sentinel: { REDIS_SENTINELS: CLOSED, REDIS_SENTINEL_NAME: 'pipeline', REDIS_PASSWORD: 'secret', REDIS_SENTINEL_PASSWORD: 'sentinel-secret' },
  cluster: { REDIS_CLUSTER_NODES: CLOSED, REDIS_PASSWORD: 'secret', REDIS_TLS: 'true' },
};
const opened: RedisConnection[] = [];

function open(connect: typeof createWorkerRedis, env: Record<string, string>): RedisConnection {
  const connection = connect(loadConfig(env));
  connection.on('error', () => undefined);
  opened.push(connection);
  return connection;
}

afterEach(() => {
  for (const connection of opened.splice(0)) connection.disconnect();
});

describe('the Redis connection factory', () => {
  it('names the variable of the mode in use', () => {
    expect(Object.values(modes).map((env) => redisVariableOf(loadConfig(env)))).toEqual(['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']);
  });

  it('gives waiting connections no retry limit and an offline queue, fail-fast ones neither, in every mode', () => {
    for (const env of [modes.standalone, modes.sentinel]) {
      expect((open(createWorkerRedis, env) as Redis).options).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true, password: 'secret' });
      expect((open(createFailFastRedis, env) as Redis).options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
    }
    // On a Cluster BullMQ reads maxRetriesPerRequest from redisOptions, the nodes' options.
    const waiting = open(createWorkerRedis, modes.cluster) as Cluster;
    expect(waiting).toBeInstanceOf(Cluster);
    expect(waiting.options).toMatchObject({ enableOfflineQueue: true, enableReadyCheck: false, redisOptions: { maxRetriesPerRequest: null, password: 'secret', tls: {} } });
    const failFast = open(createFailFastRedis, modes.cluster) as Cluster;
    expect(failFast.options).toMatchObject({ enableOfflineQueue: false, enableReadyCheck: true, redisOptions: { maxRetriesPerRequest: 1 } });
  });

  it('asks the sentinels for the primary, with their own password, and follows their failover announcements', () => {
    expect((open(createWorkerRedis, modes.sentinel) as Redis).options).toMatchObject({
      sentinels: [{ host: '127.0.0.1', port: 1 }],
      name: 'pipeline',
      role: 'master',
      sentinelPassword: 'sentinel-secret',
      failoverDetector: true,
    });
  });

  it('reconnects a connection that a demotion left on a replica (READONLY, UNBLOCKED), and no other', () => {
    const { reconnectOnError } = (open(createFailFastRedis, modes.standalone) as Redis).options;
    const reconnects = (message: string) => Boolean(reconnectOnError?.(new Error(message)));
    expect(reconnects("READONLY You can't write against a read only replica.")).toBe(true);
    expect(reconnects('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)')).toBe(true);
    expect(reconnects('ERR wrong number of arguments')).toBe(false);
    expect(reconnects('NOSCRIPT No matching script')).toBe(false);
  });
});
