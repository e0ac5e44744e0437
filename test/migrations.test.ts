import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSION_STATUSES, migrate, OUTCOMES, readMigrations } from '@postback/core';
import { createTestEnvironment, MIGRATIONS_DIR, type TestEnvironment } from './helpers/testEnvironment.js';

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

  it('applies nothing twice, even when two processes start at once', async () => {
    const results = await Promise.all([migrate(t.databaseUrl, MIGRATIONS_DIR), migrate(t.databaseUrl, MIGRATIONS_DIR)]);
    expect(results).toEqual([[], []]);
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
  interface Column {
    table: string;
    column: string;
    nullable: boolean;
  }

  interface Dmmf {
    datamodel: {
      models: Array<{ name: string; dbName: string | null; fields: Array<{ name: string; dbName?: string | null; kind: string; isRequired: boolean }> }>;
      enums: Array<{ name: string; dbName?: string | null; values: Array<{ name: string; dbName?: string | null }> }>;
    };
  }
  let dmmf: Dmmf;
  beforeAll(async () => {
    const schema = await readFile(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
    dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
  });

  it('has every model field as a column with the same nullability, and no column the schema lacks', async () => {
    const fromSchema: Column[] = dmmf.datamodel.models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind !== 'object')
        .map((f) => ({ table: m.dbName ?? m.name, column: f.dbName ?? f.name, nullable: !f.isRequired })),
    );
    const { rows } = await db.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT IN ('_prisma_migrations') AND table_name NOT LIKE 'mig_%'`,
    );
    const fromDatabase: Column[] = rows.map((r) => ({ table: r.table_name, column: r.column_name, nullable: r.is_nullable === 'YES' }));
    const key = (c: Column) => `${c.table}.${c.column} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
    expect(fromDatabase.map(key).sort()).toEqual(fromSchema.map(key).sort());
  });

  it('has the enums of the schema with the same values', async () => {
    const { rows } = await db.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
    );
    const fromSchema = dmmf.datamodel.enums
      .map((e) => ({ typname: e.dbName ?? e.name, labels: e.values.map((v) => v.dbName ?? v.name) }))
      .sort((a, b) => a.typname.localeCompare(b.typname));
    expect(fromSchema.length).toBeGreaterThan(0);
    expect(rows).toEqual(fromSchema);
    // The TypeScript lists the code uses are the same values.
    expect(fromSchema.find((e) => e.typname === 'postback_outcome')?.labels).toEqual([...OUTCOMES]);
    expect(fromSchema.find((e) => e.typname === 'conversion_status')?.labels).toEqual([...CONVERSION_STATUSES]);
  });
});
