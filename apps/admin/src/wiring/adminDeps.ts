import type { AuthFailureLimiter, Config, DeadLetterQueue, KeyRegistry, Logger, PostbackDeadLetterPair, PostbackQueue, PrismaClient } from '@postback/core';
import type { RevokedSessions } from '../dashboard/revokedSessions.js';
import type { RedisWork } from './redisGate.js';

/** What every admin operation may need; built once in main.ts (or by a test) and passed in. */
export interface AdminDeps {
  prisma: PrismaClient;
  registry: KeyRegistry;
  queue: PostbackQueue;
  deadLetters: DeadLetterQueue;
  /** queue and deadLetters as the dead-letter protocol takes them (replay, delete), with the lock the worker's moves hold. */
  deadLetterPair: PostbackDeadLetterPair;
  /** Every use of registry, queue and deadLetters goes through this: it turns a Redis outage into a TransientStoreError. */
  withRedis: RedisWork;
  /** Resolves when the Redis primary that holds the queues answers now, else throws TransientStoreError (/readyz). */
  pingRedis: () => Promise<void>;
  /** Dashboard sessions ended by a logout (see adminSession.ts). */
  revokedSessions: RevokedSessions;
  /** Wrong tokens, failed session cookies and failed logins per client address (see adminAuth.ts). */
  authFailures: AuthFailureLimiter;
  /** Where an audit record that Postgres could not take is logged; the CLI has none (stderr instead). */
  logger?: Logger;
  cfg: Pick<Config, 'PUBLIC_BASE_URL' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'DLQ_REPLAY_RATE_PER_SECOND'>;
}
