// The migration that partitions postback_log, run on a database that already has rows in the old table (as a
// deployment has): no row is lost or copied, new rows land in day partitions, and indexes and the CHECK an operator
// built beforehand (README Operations) are used as they are.
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, KeyRegistry, migrate, type Outcome } from '@postback/core';
import { applyRejections } from '../apps/worker/src/applyRejections.js';
import { createEmptyDatabase, MIGRATIONS_DIR } from './helpers/testEnvironment.js';

const PARTITIONING = '20261201100000_postback_log_partitioned';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The migrations folder as it was before the partitioning migration (copies: the runner reads only folders). */
async function migrationsBefore(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-before-'));
  for (const entry of (await readdir(MIGRATIONS_DIR)).filter((e) => e < name && /^\d/.test(e))) {
    await cp(join(MIGRATIONS_DIR, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}

interface Database {
  db: pg.Client;
  databaseUrl: string;
  drop: () => Promise<void>;
}

/** A database migrated up to (not including) the partitioning, as a deployment of the previous release has it. */
async function givenPreviousRelease(tag: string): Promise<Database> {
  const fresh = await createEmptyDatabase(tag);
  await migrate(fresh.databaseUrl, await migrationsBefore(PARTITIONING));
  const db = new pg.Client({ connectionString: fresh.databaseUrl });
  await db.connect();
  return { db, databaseUrl: fresh.databaseUrl, drop: async () => { await db.end(); await fresh.drop(); } };
}

const OUTCOMES = ['rejected', 'unchanged', 'not_found', 'superseded', 'out_of_scope', 'revoked'];

/** Rows of the old log: random (v4) ids, received from 120 days ago to a moment ago, every outcome. */
async function givenOldRows(db: pg.Client, count: number) {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => ({
    postback_id: randomUUID(),
    endpoint_id: 1 + (i % 3),
    transaction_id: `tx-${i}`,
    reason: `reason-${i}`,
    seq: String(i + 1),
    received_at: new Date(now - Math.floor((i / count) * 120 * DAY) - 1000),
    processed_at: new Date(now - Math.floor((i / count) * 120 * DAY) - 500),
    outcome: OUTCOMES[i % OUTCOMES.length]!,
    attempts: 1 + (i % 2),
  }));
  await db.query(
    `INSERT INTO postback_log (postback_id, endpoint_id, transaction_id, reason, seq, received_at, processed_at, outcome, attempts)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[], $7::timestamptz[],
                          $8::postback_outcome[], $9::int[])`,
    [
      rows.map((r) => r.postback_id), rows.map((r) => r.endpoint_id), rows.map((r) => r.transaction_id),
      rows.map((r) => r.reason), rows.map((r) => r.seq), rows.map((r) => r.received_at), rows.map((r) => r.processed_at),
      rows.map((r) => r.outcome), rows.map((r) => r.attempts),
    ],
  );
  return rows;
}

const everyRow = async (db: pg.Client) =>
  (await db.query(`SELECT postback_id, endpoint_id, transaction_id, reason, seq::text, received_at, processed_at, outcome::text, attempts
                   FROM postback_log ORDER BY postback_id`)).rows;

/** Each partition of postback_log with its bound as Postgres prints it. */
const partitions = async (db: pg.Client) =>
  new Map((await db.query<{ name: string; bound: string }>(`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'postback_log'::regclass`)).rows.map((r) => [r.name, r.bound]));

/** A partition bound as pg_get_expr prints it with TimeZone UTC. */
const boundText = (ms: number) => `'${new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '+00')}'`;
const utcMidnight = (ms: number) => Math.floor(ms / DAY) * DAY;
const dayName = (ms: number) => `postback_log_p${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '')}`;

describe('partitioning a postback_log that has rows', () => {
  let d: Database;
  let before: Awaited<ReturnType<typeof givenOldRows>>;
  let migratedAt: number;
  beforeAll(async () => {
    d = await givenPreviousRelease('pb_log_cutover');
    before = await givenOldRows(d.db, 600);
    migratedAt = Date.now();
    // The partitioning first; migrations after it (bulk_rejections…) run too.
    expect((await migrate(d.databaseUrl, MIGRATIONS_DIR))[0]).toBe(PARTITIONING);
  });
  afterAll(async () => {
    await d.drop();
  });

  it('keeps every row, readable through postback_log, all of them in the legacy partition', async () => {
    const rows = await everyRow(d.db);
    expect(rows).toEqual([...before].sort((a, b) => a.postback_id.localeCompare(b.postback_id)));
    const where = await d.db.query(`SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM postback_log GROUP BY 1`);
    expect(where.rows).toEqual([{ partition: 'postback_log_legacy', n: before.length }]);
  });

  it('makes postback_log a table partitioned by day: legacy up to the day after tomorrow, a week of days, a default', async () => {
    const { rows } = await d.db.query(`SELECT relkind FROM pg_class WHERE relname = 'postback_log'`);
    expect(rows).toEqual([{ relkind: 'p' }]);
    const bound = utcMidnight(migratedAt) + 2 * DAY;
    const iso = boundText;
    await d.db.query(`SET TIME ZONE 'UTC'`);
    const expected = new Map<string, string>([
      ['postback_log_legacy', `FOR VALUES FROM (MINVALUE) TO (${iso(bound)})`],
      ['postback_log_default', 'DEFAULT'],
    ]);
    for (let i = 0; i < 7; i++) {
      expected.set(dayName(bound + i * DAY), `FOR VALUES FROM (${iso(bound + i * DAY)}) TO (${iso(bound + (i + 1) * DAY)})`);
    }
    expect(await partitions(d.db)).toEqual(expected);
  });

  it('routes new rows by received_at: today to legacy, a covered day to its partition, a far one to the default', async () => {
    const bound = utcMidnight(migratedAt) + 2 * DAY;
    const insert = async (receivedAt: number) => {
      const id = randomUUID();
      await d.db.query(
        `INSERT INTO postback_log (postback_id, endpoint_id, transaction_id, reason, seq, received_at, outcome, attempts)
         VALUES ($1, 1, 'tx-new', 'late', 1, $2, 'rejected', 1)`,
        [id, new Date(receivedAt)],
      );
      const { rows } = await d.db.query(`SELECT tableoid::regclass::text AS partition FROM postback_log WHERE postback_id = $1`, [id]);
      return rows[0]?.partition as string;
    };
    expect(await insert(Date.now())).toBe('postback_log_legacy');
    expect(await insert(bound + 5 * HOUR)).toBe(dayName(bound));
    expect(await insert(bound + 3 * DAY + HOUR)).toBe(dayName(bound + 3 * DAY));
    expect(await insert(bound + 30 * DAY)).toBe('postback_log_default');
  });

  it("lets the worker recognise a postback of the old table delivered again (a replay): nothing applied twice", async () => {
    // Its logged outcome is not what a fresh application would give (no such conversion: not_found), so the
    // outcome coming back says the worker found the old row.
    const old = before.find((r) => r.outcome === 'superseded')!;
    const prisma = createPrisma(d.databaseUrl, 1);
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const result = await applyRejections(prisma, [{
        postback: {
          postbackId: old.postback_id,
          endpointId: old.endpoint_id,
          scope: { kind: 'global', advertiserId: 1, offerId: null },
          transactionId: old.transaction_id,
          reason: old.reason,
          seq: Number(old.seq),
          receivedAt: old.received_at.getTime(),
        },
        attempts: 2,
        shard: '{postback}',
      }], new KeyRegistry(redis, '{pp-test-cutover-nothing-revoked}'));
      expect(result.outcomes).toEqual<Outcome[]>(['superseded']);
      expect(result.applied).toEqual([]);
      expect((await d.db.query('SELECT count(*)::int AS n FROM postback_log WHERE postback_id = $1', [old.postback_id])).rows).toEqual([{ n: 1 }]);
    } finally {
      await prisma.$disconnect();
      redis.disconnect();
    }
  });

  it('refuses a second row with the same received_at and postback id, in the legacy partition too', async () => {
    const old = before[17]!;
    await expect(d.db.query(
      `INSERT INTO postback_log (postback_id, endpoint_id, transaction_id, reason, seq, received_at, outcome, attempts)
       VALUES ($1, 1, 'tx', 'again', 1, $2, 'rejected', 1)`,
      [old.postback_id, old.received_at],
    )).rejects.toMatchObject({ code: '23505' });
  });
});

describe('partitioning after the operator prebuilt the indexes and the CHECK', () => {
  it('adopts the prebuilt indexes as they are and takes the partition bound from the CHECK', async () => {
    const d = await givenPreviousRelease('pb_log_cutover_prebuilt');
    try {
      await givenOldRows(d.db, 200);
      // As README Operations says, outside a transaction; the bound three days ahead, not the default two.
      const bound = utcMidnight(Date.now()) + 3 * DAY;
      await d.db.query(`CREATE UNIQUE INDEX CONCURRENTLY "postback_log_legacy_received_at_postback_id_key"
                        ON "postback_log" ("received_at", "postback_id")`);
      await d.db.query(`CREATE INDEX CONCURRENTLY "postback_log_legacy_outcome_received_at_postback_id_idx"
                        ON "postback_log" ("outcome", "received_at", "postback_id") WHERE "outcome" <> 'rejected'`);
      await d.db.query(`ALTER TABLE "postback_log" ADD CONSTRAINT "postback_log_legacy_received_at_check"
                        CHECK ("received_at" < '${new Date(bound).toISOString()}') NOT VALID`);
      await d.db.query(`ALTER TABLE "postback_log" VALIDATE CONSTRAINT "postback_log_legacy_received_at_check"`);
      const indexOids = async () => (await d.db.query(`
        SELECT relname, oid::int FROM pg_class WHERE relname IN
          ('postback_log_legacy_received_at_postback_id_key', 'postback_log_legacy_outcome_received_at_postback_id_idx')
        ORDER BY relname`)).rows;
      const prebuilt = await indexOids();
      expect(prebuilt).toHaveLength(2);

      await migrate(d.databaseUrl, MIGRATIONS_DIR);

      // The same index objects (not rebuilt), now partitions of the parent's primary key and outcome index.
      expect(await indexOids()).toEqual(prebuilt);
      const adopted = await d.db.query(`
        SELECT i.inhrelid::regclass::text AS child, i.inhparent::regclass::text AS parent FROM pg_inherits i
        WHERE i.inhrelid IN ('postback_log_legacy_received_at_postback_id_key'::regclass,
                             'postback_log_legacy_outcome_received_at_postback_id_idx'::regclass)
        ORDER BY 1`);
      expect(adopted.rows).toEqual([
        { child: 'postback_log_legacy_outcome_received_at_postback_id_idx', parent: 'postback_log_outcome_received_at_postback_id_idx' },
        { child: 'postback_log_legacy_received_at_postback_id_key', parent: 'postback_log_pkey' },
      ]);
      await d.db.query(`SET TIME ZONE 'UTC'`);
      const parts = await partitions(d.db);
      expect(parts.get('postback_log_legacy')).toBe(`FOR VALUES FROM (MINVALUE) TO (${boundText(bound)})`);
      expect(parts.has(dayName(bound))).toBe(true);
      expect(parts.has(dayName(bound - DAY))).toBe(false);
      // The CHECK did its work; the partition bound holds the rows from now on.
      const check = await d.db.query(`SELECT 1 FROM pg_constraint WHERE conname = 'postback_log_legacy_received_at_check'`);
      expect(check.rowCount).toBe(0);
    } finally {
      await d.drop();
    }
  });
});
