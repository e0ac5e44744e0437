import type { PrismaClient } from '../db.js';

// The names the migration 20261201100000_postback_log_partitioned gives, and the maintenance keeps.
export const PARENT = 'postback_log';
export const DEFAULT_PARTITION = 'postback_log_default';
export const LEGACY_PARTITION = 'postback_log_legacy';
const DAY_PARTITION = /^postback_log_p\d{8}$/;

export const DAY_MS = 86_400_000;

/** The queries maintenance runs, on the client or inside one of its transactions. */
export type Db = Pick<PrismaClient, '$queryRaw' | '$executeRaw' | '$executeRawUnsafe' | '$queryRawUnsafe'>;

export interface Partition {
  name: string;
  kind: 'day' | 'default' | 'legacy' | 'other';
  /** Its range, [from, to); null for MINVALUE (from) or for the default partition (both). */
  from: Date | null;
  to: Date | null;
}

/** The start of the UTC day `at` falls in. */
export const utcDayStart = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/** postback_log_pYYYYMMDD, for the UTC day that starts at `day`. */
export const dayPartitionName = (day: Date): string => `postback_log_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;

/**
 * The partitions of postback_log with their ranges. Postgres prints a bound as a literal in the session's time zone
 * (with its offset); it is read back as timestamptz in the same session, so the zone never matters.
 */
export async function listPartitions(db: Db): Promise<Partition[]> {
  const rows = await db.$queryRaw<Array<{ name: string; is_default: boolean; from: Date | null; to: Date | null }>>`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS "from",
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS "to"
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${PARENT}::regclass
    ORDER BY 3 NULLS FIRST, 1`;
  return rows.map((r) => ({
    name: r.name,
    kind: r.is_default ? 'default' : r.name === LEGACY_PARTITION ? 'legacy' : DAY_PARTITION.test(r.name) ? 'day' : 'other',
    from: r.from,
    to: r.to,
  }));
}

/** Day partitions an earlier run detached but did not get to drop (it stopped in between): plain tables now. */
export async function detachedDayTables(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ name: string }>>`
    SELECT relname AS name FROM pg_class
    WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND NOT relispartition AND relname ~ '^postback_log_p[0-9]{8}$'
    ORDER BY 1`;
  return rows.map((r) => r.name);
}

/** Whether `name` is still a partition of postback_log (another run may have detached or dropped it meanwhile). */
export async function isPartition(db: Db, name: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM pg_inherits WHERE inhparent = ${PARENT}::regclass AND inhrelid = to_regclass(${`"${name}"`})`;
  return rows.length > 0;
}

/** Whether a table of that name exists at all. */
export async function tableExists(db: Db, name: string): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ found: boolean }>>`SELECT to_regclass(${`"${name}"`}) IS NOT NULL AS found`;
  return rows[0]!.found;
}

/** The columns of postback_log, in order: what a row moved between partitions carries. */
export const COLUMNS = 'postback_id, endpoint_id, bulk_id, transaction_id, reason, seq, received_at, processed_at, outcome, attempts, ' +
  'advertiser_id, offer_id, error, source';
