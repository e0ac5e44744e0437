import pg from 'pg';
import type { PostbackLogFilter } from './postbackLogFilter.js';

/** The CSV's columns, in the JSON search's field order (services/postbackLogSearch.ts). */
export const CSV_COLUMNS = [
  'postback_id', 'received_at', 'processed_at', 'latency_ms', 'transaction_id', 'endpoint_id', 'bulk_id',
  'advertiser_id', 'offer_id', 'reason', 'outcome', 'attempts', 'error', 'source',
] as const;

/** A time as the JSON answers give it (Date.toISOString: UTC, milliseconds, Z); the columns are timestamptz(3). */
const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Text a spreadsheet would run as a formula (a cell starting with = + - @, or a tab or carriage return that some
 * strip before looking) gets a leading apostrophe, as OWASP's "CSV injection" advice says: the export is opened
 * in a spreadsheet by the account managers, and a transaction id or reason is whatever an advertiser sent. The
 * apostrophe shows as text there; a program reading the file sees it and can strip it. Only text columns: ids,
 * times and counts never start with those (latency_ms can be negative only with a clock step, and "-3" is a number).
 */
const neutralised = (column: string) =>
  `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${column} ELSE ${column} END`;

const SELECT_LIST: Record<(typeof CSV_COLUMNS)[number], string> = {
  postback_id: 'postback_id',
  received_at: isoUtc('received_at'),
  processed_at: isoUtc('processed_at'),
  // Both columns have millisecond precision, so this is exact.
  latency_ms: '(extract(epoch FROM processed_at - received_at) * 1000)::bigint',
  transaction_id: neutralised('transaction_id'),
  endpoint_id: 'endpoint_id',
  bulk_id: 'bulk_id',
  advertiser_id: 'advertiser_id',
  offer_id: 'offer_id',
  reason: neutralised('reason'),
  outcome: 'outcome',
  attempts: 'attempts',
  error: neutralised('error'),
  source: neutralised('source'),
};

/**
 * COPY (the log's rows that `filter` matches, newest first) TO STDOUT as CSV with a header row. COPY takes no bind
 * parameters, so the filter's values are written into the statement: each is one the filter schema checked (ids
 * are integers, bulk_id a UUID, outcome one of OUTCOMES, times Dates) and the only free text, transaction_id, goes
 * through pg's escapeLiteral.
 */
export function postbackLogCopySql(filter: PostbackLogFilter): string {
  const where: string[] = [];
  if (filter.transaction_id !== undefined) where.push(`transaction_id = ${pg.escapeLiteral(filter.transaction_id)}`);
  if (filter.advertiser_id !== undefined) where.push(`advertiser_id = ${integer(filter.advertiser_id)}`);
  if (filter.offer_id !== undefined) where.push(`offer_id = ${integer(filter.offer_id)}`);
  if (filter.endpoint_id !== undefined) where.push(`endpoint_id = ${integer(filter.endpoint_id)}`);
  if (filter.bulk_id !== undefined) where.push(`bulk_id = ${pg.escapeLiteral(filter.bulk_id)}::uuid`);
  if (filter.outcome !== undefined) where.push(`outcome = ${pg.escapeLiteral(filter.outcome)}::postback_outcome`);
  if (filter.since) where.push(`received_at >= ${pg.escapeLiteral(filter.since.toISOString())}::timestamptz`);
  if (filter.until) where.push(`received_at < ${pg.escapeLiteral(filter.until.toISOString())}::timestamptz`);
  const select = CSV_COLUMNS.map((c) => `${SELECT_LIST[c]} AS ${c}`).join(', ');
  return (
    `COPY (SELECT ${select} FROM postback_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
    'ORDER BY received_at DESC, postback_id DESC) TO STDOUT WITH (FORMAT csv, HEADER)'
  );
}

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer: ${n}`);
  return String(n);
}
