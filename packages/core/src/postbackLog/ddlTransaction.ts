import { PartitionLockTimeoutError } from '../errors/index.js';
import type { Logger } from '../logger.js';
import type { PrismaClient } from '../db.js';
import { sqlStateOf } from '../storeErrors.js';
import type { Db } from './partitions.js';

const LOCK_NOT_AVAILABLE = '55P03';
// One maintenance step at a time, across every worker and the CLI: a transaction-level advisory lock, so that two
// runs never create or drop the same partition at once (each step checks again what it finds under the lock).
const MAINTENANCE_LOCK_KEY = 0x706c6f67;

export interface DdlOptions {
  /**
   * The most a step waits for a lock (SET LOCAL lock_timeout). DDL on postback_log needs a lock that queues every
   * later reader and writer of the table behind it while it waits: a short wait, given up and tried again later,
   * keeps the drain from stalling behind a long transaction. Default 1000.
   */
  lockTimeoutMs?: number;
  /** Tries per step; the wait between two doubles from backoffMs. Defaults 5 and 500. */
  attempts?: number;
  backoffMs?: number;
  logger?: Logger;
}

/**
 * Runs one maintenance step in a transaction of its own under lock_timeout and the maintenance lock; a step that
 * could not get a lock in time is rolled back (nothing changed) and tried again after a backoff, up to `attempts`
 * times, then fails with PartitionLockTimeoutError.
 */
export async function ddlTransaction<T>(prisma: PrismaClient, step: string, work: (tx: Db) => Promise<T>, options: DdlOptions = {}): Promise<T> {
  const { lockTimeoutMs = 1000, attempts = 5, backoffMs = 500, logger } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`;
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MAINTENANCE_LOCK_KEY}::bigint)`;
          return work(tx);
        },
        // A step moves at most a day's rows out of the default partition, or the late rows of a dropped day.
        { maxWait: 10_000, timeout: 300_000 },
      );
    } catch (err) {
      if (sqlStateOf(err) !== LOCK_NOT_AVAILABLE) throw err;
      if (attempt >= attempts) {
        throw new PartitionLockTimeoutError(`${step}: no lock within ${lockTimeoutMs} ms in ${attempts} tries`, { cause: err });
      }
      const waitMs = backoffMs * 2 ** (attempt - 1);
      logger?.warn({ step, attempt, retry_in_ms: waitMs }, 'postback_log maintenance: lock not available, will try again');
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
