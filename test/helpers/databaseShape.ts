import type pg from 'pg';
import { columnLine, enumLine, foreignKeyLine, indexLine, type ReferentialAction, type SchemaShape } from './schemaShape.js';

// pg_constraint's one-letter codes for ON DELETE / ON UPDATE.
const ACTIONS: Record<string, ReferentialAction> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

/**
 * What a live database has in its public schema, leaving out Prisma's bookkeeping table and `ignoredTables`. A
 * partitioned table (relkind 'p') is the table; its partitions (relispartition) are its storage, not tables of
 * their own: their columns, indexes and foreign keys are the parent's, cloned.
 */
export async function databaseShape(db: pg.Client, ignoredTables: RegExp): Promise<SchemaShape> {
  const keep = (table: string) => table !== '_prisma_migrations' && !ignoredTables.test(table);
  const columns = await db.query<{ table: string; column: string; type: string; nullable: boolean }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND a.attnum > 0 AND NOT a.attisdropped`);
  const indexes = await db.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(`
    SELECT t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
      array(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
    FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
    WHERE t.relnamespace = 'public'::regnamespace AND NOT t.relispartition`);
  const foreignKeys = await db.query<{ table: string; columns: string[]; ref: string; ref_columns: string[]; on_delete: string; on_update: string }>(`
    SELECT t.relname AS table, r.relname AS ref, c.confdeltype AS on_delete, c.confupdtype AS on_update,
      array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
      array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND NOT t.relispartition`);
  const enums = await db.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`);
  return {
    columns: columns.rows.filter((r) => keep(r.table)).map((r) => columnLine(r.table, r.column, r.type, r.nullable)),
    indexes: indexes.rows
      .filter((r) => keep(r.table))
      .map((r) => indexLine(r.table, r.columns, r.primary ? 'PRIMARY KEY' : r.unique ? 'UNIQUE' : 'INDEX')),
    foreignKeys: foreignKeys.rows
      .filter((r) => keep(r.table))
      .map((r) => foreignKeyLine(r.table, r.columns, r.ref, r.ref_columns, ACTIONS[r.on_delete]!, ACTIONS[r.on_update]!)),
    enums: enums.rows.map((r) => enumLine(r.name, r.labels)),
  };
}
