/**
 * A database's shape as sorted lines that read well in a failing diff: one per column (type and nullability),
 * index (primary, unique or plain) and foreign key (with its actions). declaredShape.ts builds it from
 * schema.prisma, databaseShape.ts from a live database, and the migrations test compares the two.
 */
export interface SchemaShape {
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
  enums: string[];
}

export type IndexKind = 'PRIMARY KEY' | 'UNIQUE' | 'INDEX';
export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export const columnLine = (table: string, column: string, type: string, nullable: boolean) =>
  `${table}.${column} ${type} ${nullable ? 'NULL' : 'NOT NULL'}`;

export const indexLine = (table: string, columns: string[], kind: IndexKind) => `${table} (${columns.join(', ')}) ${kind}`;

export const foreignKeyLine = (
  table: string,
  columns: string[],
  refTable: string,
  refColumns: string[],
  onDelete: ReferentialAction,
  onUpdate: ReferentialAction,
) => `${table} (${columns.join(', ')}) -> ${refTable} (${refColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;

export const enumLine = (name: string, labels: string[]) => `${name} (${labels.join(', ')})`;
