import type { AuthFailureLimiter, Config, KeyRegistry, Logger, PostbackShards, PrismaClient, RefusalLog } from '@postback/core';
import type { RevokedSessions } from '../dashboard/revokedSessions.js';
import type { DeliveryQueues } from './deliveryQueues.js';
import type { Reads } from './reads.js';
import type { RedisWork } from './redisGate.js';

/** What every admin operation may need; built once in main.ts (or by a test) and passed in. */
export interface AdminDeps {
  /** The primary: every write, and every read that must see the latest writes. */
  prisma: PrismaClient;
  /** Heavy reads (log and audit search, the URL list's last_used_at): the read replica when configured (see reads.ts). */
  reads: Reads;
  registry: KeyRegistry;
  /**
   * The postback queue's shards, each with its dead-letter queue (as the dead-letter protocol takes them: replay,
   * delete, with the lock the worker's moves hold), and the layouts announced.
   */
  shards: PostbackShards;
  /** The affiliate notifications' delivery queue and its dead-letter queue (their depths); through withRedis. */
  deliveryQueues: DeliveryQueues;
  /**
   * Takes a block of numbers from the receipt sequence and returns the first (a bulk upload's rows, when it is
   * staged), once ACK_REPLICAS replicas hold it. Through withRedis, like registry and shards.
   */
  reserveReceiptSeqs: (count: number) => Promise<number>;
  /** Every use of registry and shards goes through this: it turns a Redis outage into a TransientStoreError. */
  withRedis: RedisWork;
  /** Resolves when the Redis primary that holds the queues answers now, else throws TransientStoreError (/readyz). */
  pingRedis: () => Promise<void>;
  /** The receivers' record of refused postback requests (Redis streams); through withRedis. */
  refusalLog: RefusalLog;
  /** Dashboard sessions ended by a logout (see adminSession.ts). */
  revokedSessions: RevokedSessions;
  /** Wrong tokens, failed session cookies and failed logins per client address (see adminAuth.ts). */
  authFailures: AuthFailureLimiter;
  /** Where an audit record that Postgres could not take is logged; the CLI has none (stderr instead). */
  logger?: Logger;
  cfg: Pick<Config, 'PUBLIC_BASE_URL' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'DLQ_REPLAY_RATE_PER_SECOND' | 'DATABASE_URL' | 'BULK_REJECTIONS_PER_SECOND'>;
}
