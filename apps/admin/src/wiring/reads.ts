import pg from 'pg';
import { createPrisma, isStoreUnreachable, sqlStateOf, type Config, type PrismaClient } from '@postback/core';
import { ReadReplicaConflictError, ReadReplicaUnreachableError } from '../adminErrors.js';

// What a hot standby answers a read it cancels for a recovery conflict: serialization failure, or deadlock
// detected for a buffer-pin deadlock with the replay. The plain reads served here get neither otherwise.
const RECOVERY_CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

/**
 * The read replica as /readyz and /metrics report it. lagSeconds is 0 when it has replayed all it received, and
 * null when DATABASE_READ_URL is no standby (a promoted one, say).
 */
export type ReplicaState = { state: 'up'; lagSeconds: number | null } | { state: 'unreachable' };

/**
 * Where the admin's heavy reads go: the postback-log search, the audit search and the rejection-URL list's
 * last_used_at. With DATABASE_READ_URL, a streaming replica behind a pool of its own, so an operator paging through
 * months of log never takes a connection or an I/O slot from the workers' drain; without it, the primary, as
 * before. Whatever must see the latest write (one postback's or one conversion's lookup, right after the operator
 * saw its 202) and whatever writes, or reads then writes, uses the primary (AdminDeps.prisma) instead.
 */
export interface Reads {
  /** 'replica' with DATABASE_READ_URL, else 'primary'. */
  readonly servedBy: 'replica' | 'primary';
  /**
   * Runs `work` with the reads' client. From the replica, a failure to reach it becomes a
   * ReadReplicaUnreachableError, a read it cancelled for a recovery conflict a ReadReplicaConflictError (both 503).
   */
  run<T>(work: (reads: PrismaClient) => Promise<T>): Promise<T>;
  /**
   * A pg connection of its own to the same database, for what Prisma cannot do (COPY … TO STDOUT, streamed); the
   * caller ends it. A failure to connect is mapped as in run().
   */
  connectRaw(): Promise<pg.Client>;
  /** The replica's state and replay lag; undefined without a replica. */
  replicaState(): Promise<ReplicaState | undefined>;
  close(): Promise<void>;
}

/** The one place the admin makes its second Prisma client. */
export function connectReads(cfg: Pick<Config, 'DATABASE_URL' | 'DATABASE_READ_URL' | 'DATABASE_READ_POOL_SIZE'>, primary: PrismaClient): Reads {
  if (!cfg.DATABASE_READ_URL) {
    return {
      servedBy: 'primary',
      run: (work) => work(primary),
      connectRaw: () => connectPg(cfg.DATABASE_URL),
      replicaState: async () => undefined,
      // The primary is closed by whoever opened it.
      close: async () => undefined,
    };
  }
  const replica = createPrisma(cfg.DATABASE_READ_URL, cfg.DATABASE_READ_POOL_SIZE);
  const readUrl = cfg.DATABASE_READ_URL;
  return {
    servedBy: 'replica',
    async run(work) {
      try {
        return await work(replica);
      } catch (err) {
        if (isStoreUnreachable(err)) throw new ReadReplicaUnreachableError('read replica unreachable (DATABASE_READ_URL)', { cause: err });
        if (RECOVERY_CONFLICT_SQLSTATES.has(sqlStateOf(err) ?? '')) {
          throw new ReadReplicaConflictError('read replica cancelled the read to replay changes from the primary: retry', { cause: err });
        }
        throw err;
      }
    },
    async connectRaw() {
      try {
        return await connectPg(readUrl);
      } catch (err) {
        if (isStoreUnreachable(err)) throw new ReadReplicaUnreachableError('read replica unreachable (DATABASE_READ_URL)', { cause: err });
        throw err;
      }
    },
    async replicaState() {
      try {
        // Replayed all it received: 0, however long ago the primary last wrote. Otherwise the age of the newest
        // transaction it replayed, which is how far behind the primary a read can be.
        const [row] = await replica.$queryRaw<Array<{ lag_seconds: number | null }>>`
          SELECT CASE
            WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
          END::float8 AS lag_seconds`;
        return { state: 'up', lagSeconds: row?.lag_seconds ?? null };
      } catch {
        return { state: 'unreachable' };
      }
    },
    close: () => replica.$disconnect(),
  };
}

async function connectPg(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // Once connected, a connection that breaks reports through the query using it; without a listener, the client's
  // own 'error' event would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}
