import {
  AuthFailureLimiter,
  createFailFastRedis,
  createPrisma,
  KeyRegistry,
  PostbackShards,
  pingPrimary,
  redisVariableOf,
  RefusalLog,
  replicaPolicyOf,
  reserveReceiptSeqs,
  type Config,
  type Logger,
} from '@postback/core';
import { RevokedSessions } from '../dashboard/revokedSessions.js';
import type { AdminDeps } from './adminDeps.js';
import { openDeliveryQueues } from './deliveryQueues.js';
import { connectReads } from './reads.js';
import { redisGate, redisUnreachable } from './redisGate.js';

/** Opens the connections admin operations use; close() releases them. */
export function connectAdminDeps(cfg: Config, logger?: Logger): AdminDeps & { close: () => Promise<void> } {
  const prisma = createPrisma(cfg.DATABASE_URL, 5);
  const reads = connectReads(cfg, prisma);
  // Fail-fast: an operator's request or CLI command gets a clear "redis unreachable" instead of waiting forever.
  const redis = createFailFastRedis(cfg, { commandTimeout: 5000 });
  // A listener keeps ioredis from printing every failed reconnect; redisGate reports the outage.
  redis.on('error', (err: Error) => logger?.warn({ err: err.message }, 'redis connection error'));
  // The admin picks no shard for a replay (it goes back to its own), so it announces no layout for one: a CLI run with
  // a stale QUEUE_SHARDS must not hold one alive. Queuing a bulk upload picks shards, as a receiver does, and so
  // announces the admin's layout while it runs. Every admin write that answers success waits for ACK_REPLICAS replicas.
  const replicas = replicaPolicyOf(cfg);
  const shards = new PostbackShards(cfg, redis, { role: 'admin', replicas });
  const deliveryQueues = openDeliveryQueues(cfg, redis, replicas);
  const variable = redisVariableOf(cfg);
  const probe = () => pingPrimary(redis, cfg.QUEUE_PREFIX);
  return {
    prisma,
    reads,
    registry: new KeyRegistry(redis, cfg.QUEUE_PREFIX, replicas),
    shards,
    deliveryQueues,
    reserveReceiptSeqs: (count) => reserveReceiptSeqs(redis, cfg.QUEUE_PREFIX, count, { connection: redis, policy: replicas }),
    withRedis: redisGate(redis, { variable, probe }),
    // At once, not after waiting for a reconnect as withRedis does: a readiness probe reports how things are now.
    pingRedis: () => probe().catch((err: unknown) => Promise.reject(redisUnreachable(variable, err))),
    refusalLog: new RefusalLog(redis, cfg.QUEUE_PREFIX),
    revokedSessions: new RevokedSessions(redis, cfg.QUEUE_PREFIX, replicas),
    authFailures: new AuthFailureLimiter(redis, {
      keyPrefix: `${cfg.QUEUE_PREFIX}:admin-auth-failures`,
      limit: cfg.ADMIN_AUTH_FAILURES_PER_ADDRESS,
      windowSeconds: cfg.ADMIN_AUTH_FAILURE_WINDOW_SECONDS,
      what: 'wrong admin tokens, session cookies or logins',
    }, logger),
    logger,
    cfg,
    async close() {
      // Disconnecting first ends a connection attempt still in progress, so closing never waits for Redis.
      redis.disconnect();
      await Promise.all([shards.close(), deliveryQueues.close(), prisma.$disconnect(), reads.close()]);
    },
  };
}
