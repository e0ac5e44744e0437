import { z } from 'zod';
import { removeDeadLetter } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import type { CommonDeadLetterFilter } from './deadLetterFilter.js';
import type { DeadLetterSource } from './deadLetterSource.js';
import { deadLetterSourceIn } from './deadLetterSources.js';
import { deliveryDeadLetterSource } from './deliveryDeadLetterSource.js';
import { queueFieldOf } from './dlqReplays.js';
import { parseInput } from './parseInput.js';
import { postbackDeadLetterSource } from './postbackDeadLetterSource.js';
import { scanDeadLetters } from './scanDeadLetters.js';

/** A purge request of one queue: its filter is that queue's, and must be given ({} says "all" out loud). */
function purgeRequestSchemaFor<F extends CommonDeadLetterFilter, S>(source: DeadLetterSource<F, S>) {
  return z.strictObject({
    queue: queueFieldOf(source.queue),
    filter: source.filterSchema,
    confirm: z.boolean().default(false),
  });
}
/** Every queue's purge request (the body of POST /admin/dlq/purge, for the OpenAPI document). */
export const purgeRequestSchema = z.union([purgeRequestSchemaFor(postbackDeadLetterSource), purgeRequestSchemaFor(deliveryDeadLetterSource)]);

/**
 * Drops the dead-lettered jobs a filter matches, for good. Without confirm it only counts them: the caller
 * answers 400 (API) or exits 2 (CLI) with that count, so a purge is always seen before it is done.
 */
export async function purgeDeadLetters(deps: AdminDeps, input: unknown) {
  const source = deadLetterSourceIn(input);
  const request = parseInput(purgeRequestSchemaFor(source), input);
  const found = await scanDeadLetters(deps, source, request.filter);
  const queue = source.queue;
  if (!request.confirm) return { confirmed: false as const, would_purge: found.length, queue, filter: request.filter };
  let purged = 0;
  for (const { id, place } of found) {
    // Counted only when the entry was still there: one replayed or deleted since the scan is not.
    if (await deps.withRedis(() => removeDeadLetter(place.pair, id))) purged += 1;
  }
  return { confirmed: true as const, purged, queue, filter: request.filter };
}
