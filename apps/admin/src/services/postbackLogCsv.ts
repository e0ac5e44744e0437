import { finished, Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { z } from 'zod';
import type { Reads } from '../wiring/reads.js';
import { postbackLogCopySql } from './postbackLogCsvQuery.js';
import { postbackLogFilterShape, untilAfterSince, type PostbackLogFilter } from './postbackLogFilter.js';
import { parseInput } from './parseInput.js';

// The search's filters, strict as there, without limit and cursor: an export is every row the filter matches.
export const postbackLogCsvQuery = z.strictObject(postbackLogFilterShape).refine(...untilAfterSince);

export interface PostbackLogCsv {
  /** rejection-log-<since>-to-<until>.csv, UTC, without colons; "start" without since, the export's time without until. */
  filename: string;
  /**
   * The CSV, header row first, streamed from Postgres as it is read: Postgres is paused while whoever reads this is
   * (COPY's output stops at the socket), so memory holds a few chunks whatever the size. Destroying it (the client
   * went away) closes the connection, and Postgres ends the query at its next write. It errors if the query fails
   * part-way (a replica cancelling it for a recovery conflict, the connection lost): the reader must then cut its
   * output short rather than end it as if complete.
   */
  body: Readable;
}

/**
 * Opens the CSV export of the postback log for a filter (the search's, services/postbackLogFilter.ts), on a
 * connection of its own to the reads' database (the replica with DATABASE_READ_URL). Resolves once the first chunk
 * (the header row) has arrived, so that a bad filter, an unreachable database or a query Postgres refuses is an
 * error here, before anything is sent; after that, a failure can only cut the stream.
 */
export async function openPostbackLogCsv(reads: Reads, rawQuery: unknown, now: Date = new Date()): Promise<PostbackLogCsv> {
  const filter = parseInput(postbackLogCsvQuery, rawQuery);
  const client = await reads.connectRaw();
  try {
    const copy = client.query(copyTo(postbackLogCopySql(filter)));
    // Once the connection is closed under it (below), the copy stream still reports the closing as an error.
    copy.on('error', () => undefined);
    const chunks = copy[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await chunks.next();
    const body = Readable.from(csvChunks(chunks, first), { objectMode: false });
    // However the body ends — read to the end, failed, or destroyed by a reader that went away, even before it read
    // anything — the copy stream goes, then the connection: with the COPY still running, pg destroys the socket
    // rather than wait for it, and Postgres ends the query at its next write.
    finished(body, () => {
      void Promise.resolve(chunks.return?.())
        .catch(() => undefined)
        .then(() => client.end())
        .catch(() => undefined);
    });
    return { filename: csvFilename(filter, now), body };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

async function* csvChunks(chunks: AsyncIterator<Buffer>, first: IteratorResult<Buffer>) {
  if (first.done) return;
  yield first.value;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

/** Names the filter's time range, so that two exports saved side by side say what each holds. */
export function csvFilename(filter: Pick<PostbackLogFilter, 'since' | 'until'>, now: Date): string {
  const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.000Z$/, 'Z');
  return `rejection-log-${filter.since ? stamp(filter.since) : 'start'}-to-${stamp(filter.until ?? now)}.csv`;
}
