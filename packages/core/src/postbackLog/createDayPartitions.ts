import type { PrismaClient } from '../db.js';
import { ddlTransaction, type DdlOptions } from './ddlTransaction.js';
import {
  COLUMNS,
  DAY_MS,
  dayPartitionName,
  DEFAULT_PARTITION,
  listPartitions,
  PARENT,
  utcDayStart,
  type Db,
  type Partition,
} from './partitions.js';

export interface CreateAheadOptions extends DdlOptions {
  /** Days after today that must have their partition (today's always does). */
  aheadDays: number;
  now?: Date;
}

export interface CreatedPartition {
  partition: string;
  /** Rows of that day the default partition held (received while the day had no partition), now in it. */
  moved_from_default: number;
}

const overlaps = (p: Partition, from: Date, to: Date) =>
  p.kind !== 'default' && (p.from === null || p.from < to) && (p.to === null || p.to > from);

/**
 * Makes sure today and the next `aheadDays` UTC days each have a partition: creates those missing, skips days an
 * existing partition covers (the legacy one's). Idempotent, and safe with any number of runs at once (each day is
 * created under the maintenance lock, after checking again).
 *
 * A day is created as a plain table, filled with its rows from the default partition in the same transaction, and
 * then attached: ATTACH takes SHARE UPDATE EXCLUSIVE on postback_log (reads and writes go on), where CREATE TABLE
 * … PARTITION OF would take ACCESS EXCLUSIVE, and Postgres refuses to create a partition whose rows sit in the
 * default one.
 */
export async function createDayPartitions(prisma: PrismaClient, options: CreateAheadOptions): Promise<CreatedPartition[]> {
  const today = utcDayStart(options.now ?? new Date());
  const existing = await listPartitions(prisma);
  const created: CreatedPartition[] = [];
  for (let i = 0; i <= options.aheadDays; i++) {
    const from = new Date(today.getTime() + i * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    if (existing.some((p) => overlaps(p, from, to))) continue;
    const partition = dayPartitionName(from);
    const moved = await ddlTransaction(prisma, `create ${partition}`, (tx) => createDay(tx, partition, from, to), options);
    if (moved === null) continue;
    options.logger?.info({ partition, moved_from_default: moved }, 'postback_log partition created');
    created.push({ partition, moved_from_default: moved });
  }
  return created;
}

/** Rows moved in from the default partition, or null when another run created the day meanwhile. */
async function createDay(tx: Db, partition: string, from: Date, to: Date): Promise<number | null> {
  if ((await listPartitions(tx)).some((p) => overlaps(p, from, to))) return null;
  // Bounds from our own Date objects, never input: DDL takes no bind parameters.
  const [fromLiteral, toLiteral] = [`'${from.toISOString()}'`, `'${to.toISOString()}'`];
  await tx.$executeRawUnsafe(`CREATE TABLE "${partition}" (LIKE ${PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  const moved = await tx.$executeRawUnsafe(`
    WITH moved AS (
      DELETE FROM ${DEFAULT_PARTITION} WHERE received_at >= ${fromLiteral} AND received_at < ${toLiteral} RETURNING ${COLUMNS})
    INSERT INTO "${partition}" (${COLUMNS}) SELECT ${COLUMNS} FROM moved`);
  await tx.$executeRawUnsafe(`ALTER TABLE ${PARENT} ATTACH PARTITION "${partition}" FOR VALUES FROM (${fromLiteral}) TO (${toLiteral})`);
  return moved;
}
