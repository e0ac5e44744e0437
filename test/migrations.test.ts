import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSION_STATUSES, migrate, OUTCOMES, readMigrations } from '@postback/core';
import { databaseShape } from './helpers/databaseShape.js';
import { declaredShape } from './helpers/declaredShape.js';
import { enumLine, type SchemaShape } from './helpers/schemaShape.js';
import { createEmptyDatabase, createTestEnvironment, eventually, MIGRATIONS_DIR, type TestEnvironment } from './helpers/testEnvironment.js';

// The advisory lock key `prisma migrate deploy` (and our runner) takes.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

let t: TestEnvironment;
let db: pg.Client;

beforeAll(async () => {
  t = await createTestEnvironment('migrations');
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await t.teardown();
});

describe('the offline migration runner', () => {
  it("records each applied migration the way Prisma does: name, SHA-256 of the file, finished", async () => {
    const { rows } = await db.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"');
    const files = await readMigrations(MIGRATIONS_DIR);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const f of files) {
      const sql = await readFile(join(MIGRATIONS_DIR, f.name, 'migration.sql'));
      const row = rows.find((r) => r.migration_name === f.name)!;
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it('applies each migration once when two runners start at once on an empty database', async () => {
    const fresh = await createEmptyDatabase('migrations_race');
    const holder = new pg.Client({ connectionString: fresh.databaseUrl });
    await holder.connect();
    try {
      // Holding Prisma's migrate lock until both runners queue for it makes them contend for real, every run.
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      const runs = Promise.all([migrate(fresh.databaseUrl, MIGRATIONS_DIR), migrate(fresh.databaseUrl, MIGRATIONS_DIR)]);
      await eventually(async () => (await holder.query(
        "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted", [PRISMA_MIGRATE_LOCK_KEY],
      )).rowCount === 2, 10_000, 'both runners to wait for the lock');
      await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      const names = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
      expect((await runs).sort((a, b) => b.length - a.length)).toEqual([names, []]);
      const { rows } = await holder.query('SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1');
      expect(rows).toEqual(names.map((name) => ({ migration_name: name, n: 1 })));
    } finally {
      await holder.end();
      await fresh.drop();
    }
  });

  it('applies new migrations in name order, each in its own transaction, and stops at a failing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    const add = async (name: string, sql: string) => {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'migration.sql'), sql);
    };
    await add('001_a', 'CREATE TABLE mig_a (id int);');
    await add('002_b', 'CREATE TABLE mig_b (id int); SELECT no_such_function();');
    await add('003_c', 'CREATE TABLE mig_c (id int);');
    await expect(migrate(t.databaseUrl, dir)).rejects.toThrow(/002_b failed/);
    const { rows } = await db.query("SELECT to_regclass('mig_a') AS a, to_regclass('mig_b') AS b, to_regclass('mig_c') AS c");
    expect(rows[0]).toEqual({ a: 'mig_a', b: null, c: null });
  });

  it('refuses to run when an applied migration file was edited afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await mkdir(join(dir, '001_a'));
    await writeFile(join(dir, '001_a', 'migration.sql'), 'CREATE TABLE mig_a (id int); -- edited');
    await expect(migrate(t.databaseUrl, dir)).rejects.toThrow(/changed after it was applied/);
  });
});

describe('schema.prisma and the migrations describe the same database', () => {
  let declared: SchemaShape;
  let built: SchemaShape;
  beforeAll(async () => {
    declared = declaredShape(await readFile(new URL('../prisma/schema.prisma', import.meta.url), 'utf8'));
    // The database createTestEnvironment built from the migrations; mig_* are the runner tests' own tables.
    built = await databaseShape(db, /^mig_/);
  });

  it('has every model field as a column of the same type (with lengths and precision) and nullability, and no other', () => {
    expect(declared.columns).toContain('conversions.transaction_id character varying(128) NOT NULL');
    expect(built.columns.sort()).toEqual(declared.columns.sort());
  });

  it('has the primary keys, unique and plain indexes of the schema, and no other', () => {
    expect(declared.indexes).toContain('rejection_endpoints (key_hash) UNIQUE');
    expect(built.indexes.sort()).toEqual(declared.indexes.sort());
  });

  it('reads the partitioned postback_log as the table, and none of its partitions as a table of its own', async () => {
    const { rows } = await db.query(`
      SELECT count(*) FILTER (WHERE c.relispartition)::int AS partitions, bool_or(p.relkind = 'p') AS partitioned
      FROM pg_class p LEFT JOIN pg_inherits i ON i.inhparent = p.oid LEFT JOIN pg_class c ON c.oid = i.inhrelid
      WHERE p.relname = 'postback_log'`);
    expect(rows[0]).toMatchObject({ partitioned: true });
    expect(rows[0].partitions).toBeGreaterThan(2);
    expect(built.columns).toContain('postback_log.postback_id uuid NOT NULL');
    expect(built.indexes).toContain('postback_log (received_at, postback_id) PRIMARY KEY');
    expect([...built.columns, ...built.indexes].filter((line) => line.startsWith('postback_log_'))).toEqual([]);
  });

  it('has the foreign keys of the schema with the same ON DELETE / ON UPDATE actions, and no other', () => {
    expect(declared.foreignKeys.length).toBeGreaterThan(0);
    expect(built.foreignKeys.sort()).toEqual(declared.foreignKeys.sort());
  });

  it('has the enums of the schema with the same values, which are the lists the code uses', () => {
    expect(built.enums.sort()).toEqual(declared.enums.sort());
    expect(declared.enums).toContain(enumLine('postback_outcome', [...OUTCOMES]));
    expect(declared.enums).toContain(enumLine('conversion_status', [...CONVERSION_STATUSES]));
  });
});
