import {
  AuthFailureLimiter,
  createDeadLetterQueue,
  createFailFastRedis,
  createPostbackQueue,
  createPrisma,
  KeyRegistry,
  pingPrimary,
  postbackDeadLetterPair,
  redisVariableOf,
  type Config,
  type Logger,
} from '@postback/core';
import { RevokedSessions } from '../dashboard/revokedSessions.js';
import type { AdminDeps } from './adminDeps.js';
import { redisGate, redisUnreachable } from './redisGate.js';

/** Opens the connections admin operations use; close() releases them. */
export function connectAdminDeps(cfg: Config, logger?: Logger): AdminDeps & { close: () => Promise<void> } {
  const prisma = createPrisma(cfg.DATABASE_URL, 5);
  // Fail-fast: an operator's request or CLI command gets a clear "redis unreachable" instead of waiting forever.
  const redis = createFailFastRedis(cfg, { commandTimeout: 5000 });
  // A listener keeps ioredis from printing every failed reconnect; redisGate reports the outage.
  redis.on('error', (err: Error) => logger?.warn({ err: err.message }, 'redis connection error'));
  const variable = redisVariableOf(cfg);
  const probe = () => pingPrimary(redis, cfg.QUEUE_PREFIX);
  const queue = createPostbackQueue(cfg, redis);
  const deadLetters = createDeadLetterQueue(cfg, redis);
  for (const q of [queue, deadLetters]) q.on('error', () => undefined);
  return {
    prisma,
    registry: new KeyRegistry(redis, cfg.QUEUE_PREFIX),
    queue,
    deadLetters,
    deadLetterPair: postbackDeadLetterPair(cfg, { queue, deadLetters }, redis),
    withRedis: redisGate(redis, { variable, probe }),
    // At once, not after waiting for a reconnect as withRedis does: a readiness probe reports how things are now.
    pingRedis: () => probe().catch((err: unknown) => Promise.reject(redisUnreachable(variable, err))),
    revokedSessions: new RevokedSessions(redis, cfg.QUEUE_PREFIX),
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
      await Promise.all([queue.close(), deadLetters.close(), prisma.$disconnect()]);
    },
  };
}
