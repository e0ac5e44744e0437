import {
  createDeadLetterQueue,
  createPostbackQueue,
  createPrisma,
  createWorkerRedis,
  KeyRegistry,
  type Config,
} from '@postback/core';
import type { AdminDeps } from './adminDeps.js';

/** Opens the connections admin operations use; close() releases them. */
export function connectAdminDeps(cfg: Config): AdminDeps & { close: () => Promise<void> } {
  const prisma = createPrisma(cfg.DATABASE_URL, 5);
  const redis = createWorkerRedis(cfg.REDIS_URL);
  const queue = createPostbackQueue(cfg, redis);
  const deadLetters = createDeadLetterQueue(cfg, redis);
  return {
    prisma,
    registry: new KeyRegistry(redis, cfg.QUEUE_PREFIX),
    queue,
    deadLetters,
    cfg,
    async close() {
      await Promise.all([queue.close(), deadLetters.close(), prisma.$disconnect()]);
      redis.disconnect();
    },
  };
}
