import { z } from 'zod';
import type { RecordedRefusal } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { int4Id, instant, wholeNumber } from './inputTypes.js';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './listPaging.js';
import { parseInput } from './parseInput.js';

// Entries one request reads at most while a status filter skips the others: past it, the page ends early (maybe
// empty) with a cursor to go on from, so a rare status in a full stream never costs one request 100,000 entries.
const SCAN_BUDGET = 5000;
const CHUNK = 500;

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const refusalQuery = z.strictObject({
  endpoint_id: int4Id.optional(),
  status: wholeNumber(400, 499).optional(),
  /** Recorded at or after. */
  since: instant.optional(),
  /** The id of the last entry of the previous page (its stream id). */
  cursor: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'not a cursor this API gave out (a stream id such as 1767225600000-0)').optional(),
  limit: wholeNumber(1, LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
});

function refusalView(r: RecordedRefusal) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    status: r.status,
    error: r.error,
    field: r.field ?? null,
    endpoint_id: r.endpointId ?? null,
    client: r.client,
    path: r.path,
    // Requests alike (client, status, error, endpoint) refused within one turn of the receiver: this entry is them all.
    count: r.count,
  };
}

/**
 * Refused postback requests, newest first: all of them, or one rejection URL's (its own stream, so a URL's few are
 * found without reading everyone's), optionally of one status and since a time. The cursor is the last entry's id.
 */
export async function listRefusals(deps: Pick<AdminDeps, 'refusalLog' | 'withRedis'>, rawQuery: unknown) {
  const q = parseInput(refusalQuery, rawQuery);
  const sinceMs = q.since?.getTime();
  const found: RecordedRefusal[] = [];
  let before = q.cursor;
  let scanned = 0;
  let exhausted = false;
  // One more than the page: whether it exists says if there is a next page.
  while (found.length <= q.limit && scanned < SCAN_BUDGET) {
    const count = q.status === undefined ? q.limit + 1 - found.length : CHUNK;
    const chunk = await deps.withRedis(() => deps.refusalLog.newestFirst({ endpointId: q.endpoint_id, before, sinceMs, count }));
    scanned += chunk.length;
    for (const r of chunk) if (q.status === undefined || r.status === q.status) found.push(r);
    if (chunk.length < count) {
      exhausted = true;
      break;
    }
    before = chunk.at(-1)!.id;
  }
  const page = found.slice(0, q.limit);
  const next_cursor =
    found.length > q.limit ? page.at(-1)!.id
    : exhausted ? null
    // The scan budget ran out before the page filled: go on from the last entry read.
    : (before ?? null);
  return { refusals: page.map(refusalView), next_cursor };
}
