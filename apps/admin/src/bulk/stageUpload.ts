import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { globalScope, offerScope, sqlStateOf, type PrismaClient, type Scope } from '@postback/core';
import { AdminInputError, ConflictError, NotFoundError, PayloadTooLargeError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { checkRow, type StagedRow } from './bulkRow.js';
import { parseBulkRequest, type BulkRequest, type UploadHead } from './bulkRequest.js';
import { linesOf } from './uploadLines.js';
import { csvHeaderOf, csvRowOf, ndjsonRowOf, type CsvHeader } from './uploadRows.js';

/** The most data rows one upload may have: ten times the million the product names, still one day's COPY. */
export const BULK_MAX_ROWS = 10_000_000;
// Rows per chunk handed to COPY: one write per chunk rather than per row.
const COPY_CHUNK_ROWS = 1000;
const UNIQUE_VIOLATION = '23505';

export interface Upload extends UploadHead {
  body: Readable;
}

/** What staging did: a new upload, or the one an earlier request with the same Idempotency-Key made. */
export interface Staged {
  id: string;
  created: boolean;
}

interface Tally {
  rows: number;
  lastLine: number;
  /** Rows that read (as CSV or JSON), and those of them that gave a reason of their own. */
  readable: number;
  withReason: number;
}

/**
 * Stages an upload: checks what it asks for (scope, reason, format) before reading its body, then, in one
 * transaction on a connection of its own, records the upload, COPYs every row into bulk_rejection_rows with its
 * line number (valid, or with its error), marks repeated transaction ids, and, unless it is a dry run, reserves one
 * receipt sequence number per line, so that a postback received after this answer wins over the upload's row for the
 * same conversion. A problem with the file as a whole (no header, no rows, no reason anywhere) rolls it all back:
 * nothing is staged. Streamed end to end: a million-row file is never in memory.
 *
 * Idempotency-Key is per operator: the same key from the same operator returns the first upload (whatever the
 * body is this time); from another operator it is another upload.
 */
export async function stageUpload(deps: AdminDeps, operator: string, upload: Upload): Promise<Staged> {
  const request = parseBulkRequest(upload);
  if (request.idempotencyKey !== undefined) {
    const earlier = await earlierUpload(deps.prisma, operator, request);
    if (earlier) return earlier;
  }
  const scope = await uploadScope(deps.prisma, request);
  const id = randomUUID();
  const client = new pg.Client({ connectionString: deps.cfg.DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO bulk_rejections (id, scope, advertiser_id, offer_id, reason, format, dry_run, created_by, idempotency_key, staged_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
        [id, scope.kind, scope.advertiserId, scope.offerId, request.reason ?? null, request.format, request.dryRun, operator, request.idempotencyKey ?? null],
      );
    } catch (err) {
      // The same key from the same operator, committed meanwhile by a request that ran at the same time (this
      // INSERT waited for it on the unique index): its upload is the answer.
      if (sqlStateOf(err) !== UNIQUE_VIOLATION || request.idempotencyKey === undefined) throw err;
      await client.query('ROLLBACK');
      const earlier = await earlierUpload(deps.prisma, operator, request);
      if (!earlier) throw err;
      return earlier;
    }
    const tally: Tally = { rows: 0, lastLine: 0, readable: 0, withReason: 0 };
    const copy = client.query(copyFrom('COPY bulk_rejection_rows (bulk_id, line, transaction_id, reason, error) FROM STDIN'));
    await pipeline(Readable.from(copyText(id, request, upload.body, tally)), copy);
    if (tally.rows === 0) throw new AdminInputError('the file has no rows');
    if (tally.readable > 0 && tally.withReason === 0 && request.reason === undefined) {
      throw new AdminInputError('no reason: give reason= for the whole upload, or a reason in its rows');
    }
    await markRepeats(client, id);
    const { rows } = await client.query<{ invalid: number; valid: number }>(
      `SELECT count(*) FILTER (WHERE error IS NOT NULL)::int AS invalid, count(*) FILTER (WHERE error IS NULL)::int AS valid
       FROM bulk_rejection_rows WHERE bulk_id = $1`,
      [id],
    );
    const { invalid, valid } = rows[0]!;
    // One number per line: each row's is firstSeq + line - 1, so the order within the file is the order of receipt.
    const firstSeq = request.dryRun || valid === 0 ? null : await deps.withRedis(() => deps.reserveReceiptSeqs(tally.lastLine));
    await client.query(
      `UPDATE bulk_rejections SET rows = $2, invalid = $3, last_line = $4, first_seq = $5, staged_at = $6,
              status = CASE WHEN $7 THEN 'completed' ELSE 'running' END::bulk_rejection_status,
              finished_at = CASE WHEN $7 THEN now() END
       WHERE id = $1`,
      [id, tally.rows, invalid, tally.lastLine, firstSeq, new Date(), valid === 0],
    );
    await client.query('COMMIT');
    return { id, created: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The upload this operator made with this Idempotency-Key, if any; one that asked for something else is a 409. */
async function earlierUpload(prisma: PrismaClient, operator: string, request: BulkRequest): Promise<Staged | undefined> {
  const earlier = await prisma.bulkRejection.findUnique({
    where: { createdBy_idempotencyKey: { createdBy: operator, idempotencyKey: request.idempotencyKey! } },
  });
  if (!earlier) return undefined;
  const same =
    (request.scope.offerId !== undefined ? earlier.offerId === request.scope.offerId : earlier.scope === 'global' && earlier.advertiserId === request.scope.advertiserId) &&
    earlier.reason === (request.reason ?? null) &&
    earlier.dryRun === request.dryRun &&
    earlier.format === request.format;
  if (!same) throw new ConflictError(`Idempotency-Key already used for upload ${earlier.id}, which asked for another scope, reason, format or dry_run`);
  return { id: earlier.id, created: false };
}

/** The scope the upload asks for, from its advertiser or offer, which must exist. */
async function uploadScope(prisma: PrismaClient, request: BulkRequest): Promise<Scope> {
  if (request.scope.offerId !== undefined) {
    const offer = await prisma.offer.findUnique({ where: { id: request.scope.offerId } });
    if (!offer) throw new NotFoundError(`offer ${request.scope.offerId} not found`);
    return offerScope(offer.advertiserId, offer.id);
  }
  const advertiser = await prisma.advertiser.findUnique({ where: { id: request.scope.advertiserId } });
  if (!advertiser) throw new NotFoundError(`advertiser ${request.scope.advertiserId} not found`);
  return globalScope(advertiser.id);
}

/**
 * The upload's rows as COPY text, a chunk of rows at a time. A CSV file's first non-blank line is its header;
 * blank lines are no rows. Throws (rolling the staging back) for a problem with the file as a whole.
 */
async function* copyText(id: string, request: BulkRequest, body: Readable, tally: Tally): AsyncGenerator<string> {
  let header: CsvHeader | undefined;
  let chunk: string[] = [];
  for await (const { line, text } of linesOf(body)) {
    if (text.trim() === '') continue;
    if (request.format === 'csv' && header === undefined) {
      header = csvHeaderOf(text);
      if (header.reason === undefined && request.reason === undefined) {
        throw new AdminInputError('no reason: give reason= for the whole upload, or a reason column');
      }
      continue;
    }
    tally.rows += 1;
    tally.lastLine = line;
    if (tally.rows > BULK_MAX_ROWS) throw new PayloadTooLargeError(`more than ${BULK_MAX_ROWS} rows: split the file`);
    const read = request.format === 'csv' ? csvRowOf(text, header!) : ndjsonRowOf(text);
    const row: StagedRow = 'error' in read ? { line, transactionId: null, reason: null, error: read.error } : checkRow(line, read, request.reason);
    if (!('error' in read)) {
      tally.readable += 1;
      if (read.reason !== undefined && read.reason !== '') tally.withReason += 1;
    }
    chunk.push(`${id}\t${line}\t${copyValue(row.transactionId)}\t${copyValue(row.reason)}\t${copyValue(row.error)}\n`);
    if (chunk.length >= COPY_CHUNK_ROWS) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (request.format === 'csv' && header === undefined) throw new AdminInputError('the file is empty: it needs the header transaction_id[,reason] and rows');
  if (chunk.length > 0) yield chunk.join('');
}

/** A value in COPY's text format: \N for NULL, and its escapes for what would end a field or a row. */
function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A transaction id that a valid row above already named: the first copy counts, the later ones are reported. */
async function markRepeats(client: pg.Client, id: string): Promise<void> {
  await client.query(
    `UPDATE bulk_rejection_rows r SET error = format('transaction_id repeats line %s (the first copy counts)', d.first_line)
     FROM (SELECT line, min(line) OVER (PARTITION BY transaction_id) AS first_line
           FROM bulk_rejection_rows WHERE bulk_id = $1 AND error IS NULL) d
     WHERE r.bulk_id = $1 AND r.line = d.line AND d.first_line <> d.line`,
    [id],
  );
}
