import { parse as parseCsvRecord } from 'csv-parse/sync';
import { AdminInputError } from '../adminErrors.js';
import type { RowFields } from './bulkRow.js';

/** Where each field is in a CSV upload's lines, from its header. */
export interface CsvHeader {
  transactionId: number;
  reason: number | undefined;
  width: number;
}

/** What a line said, or why it could not be read (the row is then reported as invalid with this error). */
export type LineReading = RowFields | { error: string };

const CSV_COLUMNS = ['transaction_id', 'reason'];
const HEADER_HELP = 'the first line must be the header transaction_id or transaction_id,reason';

/**
 * The fields of one CSV line (RFC 4180), spaces and tabs around each trimmed. A line without a quote is split on its
 * commas, which is all the format says of it; one with a quote goes to csv-parse, whose error is the line's. Every
 * row is read on its own line: a field cannot span lines (no transaction id or reason may hold a line break), so a
 * broken quote costs that line alone, never the rows after it.
 */
export function csvFields(line: string): string[] | { error: string } {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  try {
    const records = parseCsvRecord(line, { relax_column_count: true, trim: true }) as string[][];
    return records[0] ?? [''];
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { error: code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed on its line' : 'a quote is misplaced (RFC 4180: "…" around a whole field, "" for a quote in it)' };
  }
}

/** The header of a CSV upload; a file without one, or with another column, is refused whole (nothing staged). */
export function csvHeaderOf(line: string): CsvHeader {
  const fields = csvFields(line.replace(/^\uFEFF/, ''));
  if ('error' in fields) throw new AdminInputError(`${HEADER_HELP} (${fields.error})`);
  const names = fields.map((f) => f.toLowerCase());
  const unknown = names.find((n) => !CSV_COLUMNS.includes(n));
  if (!names.includes('transaction_id')) throw new AdminInputError(`${HEADER_HELP}; line 1 is not one`);
  if (unknown !== undefined) throw new AdminInputError(`${HEADER_HELP}; it has the column ${JSON.stringify(unknown.slice(0, 40))}`);
  if (new Set(names).size !== names.length) throw new AdminInputError(`${HEADER_HELP}; it names a column twice`);
  const reason = names.indexOf('reason');
  return { transactionId: names.indexOf('transaction_id'), reason: reason < 0 ? undefined : reason, width: names.length };
}

/** A CSV data line, read by its header. */
export function csvRowOf(line: string, header: CsvHeader): LineReading {
  const fields = csvFields(line);
  if ('error' in fields) return fields;
  if (fields.length !== header.width) return { error: `has ${fields.length} fields; the header has ${header.width}` };
  return { transactionId: fields[header.transactionId], reason: header.reason === undefined ? undefined : fields[header.reason] };
}

/** An NDJSON line: one object, {"transaction_id": "…", "reason"?: "…"} (a null reason is no reason). */
export function ndjsonRowOf(line: string): LineReading {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const row = value as Record<string, unknown>;
  const unknown = Object.keys(row).find((k) => k !== 'transaction_id' && k !== 'reason');
  if (unknown !== undefined) return { error: `unknown field ${JSON.stringify(unknown.slice(0, 40))} (a row has transaction_id and reason)` };
  const { transaction_id: transactionId, reason } = row;
  if (transactionId !== undefined && typeof transactionId !== 'string') return { error: 'transaction_id must be a string' };
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return { error: 'reason must be a string' };
  return { transactionId, reason: reason ?? undefined };
}
