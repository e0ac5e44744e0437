import { z } from 'zod';
import { removeDeadLetter } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { deadLetterFilterSchema } from './deadLetterFilter.js';
import { parseInput } from './parseInput.js';
import { scanDeadLetters } from './scanDeadLetters.js';

export const purgeRequestSchema = z.strictObject({
  filter: deadLetterFilterSchema,
  confirm: z.boolean().default(false),
});

/**
 * Drops the dead-lettered jobs a filter matches, for good. Without confirm it only counts them: the caller
 * answers 400 (API) or exits 2 (CLI) with that count, so a purge is always seen before it is done.
 */
export async function purgeDeadLetters(deps: AdminDeps, input: unknown) {
  const request = parseInput(purgeRequestSchema, input);
  const found = await scanDeadLetters(deps, request.filter);
  if (!request.confirm) return { confirmed: false as const, would_purge: found.length, filter: request.filter };
  let purged = 0;
  for (const { id, shard } of found) {
    // Counted only when the entry was still there: one replayed or deleted since the scan is not.
    if (await deps.withRedis(() => removeDeadLetter(deps.shards.shard(shard).pair, id))) purged += 1;
  }
  return { confirmed: true as const, purged, filter: request.filter };
}
