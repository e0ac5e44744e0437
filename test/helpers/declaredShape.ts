import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { columnLine, enumLine, foreignKeyLine, indexLine, type IndexKind, type ReferentialAction, type SchemaShape } from './schemaShape.js';

// The parts of Prisma's DMMF (from its own schema parser) that describe the tables.
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: ReferentialAction;
  relationOnUpdate?: ReferentialAction;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; dbName?: string | null; values: Array<{ name: string; dbName?: string | null }> }>;
    indexes: Array<{ model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: Array<{ name: string }> }>;
  };
}

/** What schema.prisma declares, in the terms Postgres uses (format_type names, referential actions). */
export function declaredShape(schema: string): SchemaShape {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
  const { models, enums, indexes } = dmmf.datamodel;
  const model = (name: string) => models.find((m) => m.name === name)!;
  const table = (m: DmmfModel) => m.dbName ?? m.name;
  const column = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };
  const enumName = (name: string) => {
    const e = enums.find((x) => x.name === name)!;
    return e.dbName ?? e.name;
  };
  const indexKind: Record<string, IndexKind> = { id: 'PRIMARY KEY', unique: 'UNIQUE', normal: 'INDEX' };

  return {
    columns: models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
        .map((f) => columnLine(table(m), f.dbName ?? f.name, f.kind === 'enum' ? enumName(f.type) : postgresType(f), !f.isRequired)),
    ),
    indexes: indexes.map((i) => {
      const m = model(i.model);
      return indexLine(table(m), i.fields.map((f) => column(m, f.name)), indexKind[i.type]!);
    }),
    foreignKeys: models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const target = model(f.type);
          return foreignKeyLine(
            table(m),
            f.relationFromFields!.map((x) => column(m, x)),
            table(target),
            f.relationToFields!.map((x) => column(target, x)),
            // Prisma's defaults when the schema names no action.
            f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull'),
            f.relationOnUpdate ?? 'Cascade',
          );
        }),
    ),
    enums: enums.map((e) => enumLine(e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name))),
  };
}

// The column type Prisma's migrations create for a scalar without a @db attribute, as format_type() names it.
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

function postgresType(f: DmmfField): string {
  // A list is an array of its element's type (format_type: text[]).
  if (f.isList) return `${postgresType({ ...f, isList: false })}[]`;
  if (!f.nativeType) return DEFAULT_TYPES[f.type] ?? unknownType(`${f.type}`);
  const [name, args] = f.nativeType;
  switch (name) {
    case 'VarChar':
      return args.length > 0 ? `character varying(${args[0]})` : 'character varying';
    case 'Char':
      return `character(${args[0] ?? 1})`;
    case 'Text':
      return 'text';
    case 'Uuid':
      return 'uuid';
    case 'Integer':
      return 'integer';
    case 'SmallInt':
      return 'smallint';
    case 'BigInt':
      return 'bigint';
    case 'Decimal':
      return args.length > 0 ? `numeric(${args.join(',')})` : 'numeric(65,30)';
    case 'Timestamptz':
      return `timestamp(${args[0] ?? 3}) with time zone`;
    case 'Timestamp':
      return `timestamp(${args[0] ?? 3}) without time zone`;
    case 'Date':
      return 'date';
    case 'JsonB':
      return 'jsonb';
    default:
      return unknownType(`@db.${name}`);
  }
}

function unknownType(what: string): never {
  throw new Error(`no Postgres type name known for ${what}: add it to declaredShape.ts`);
}
