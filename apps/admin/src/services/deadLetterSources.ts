import { z } from 'zod';
import { AdminInputError } from '../adminErrors.js';
import { queueSelector, type DeadLetterQueue, type DeadLetterSource } from './deadLetterSource.js';
import type { CommonDeadLetterFilter } from './deadLetterFilter.js';
import { deliveryDeadLetterSource, type DeliveryDeadLetterSummary } from './deliveryDeadLetterSource.js';
import { parseInput } from './parseInput.js';
import { postbackDeadLetterSource, type PostbackDeadLetterSummary } from './postbackDeadLetterSource.js';

/** An entry of either queue as the list and show answer it. */
export type DeadLetterSummary = PostbackDeadLetterSummary | DeliveryDeadLetterSummary;

const SOURCES: Record<DeadLetterQueue, DeadLetterSource<CommonDeadLetterFilter, DeadLetterSummary>> = {
  postbacks: postbackDeadLetterSource,
  deliveries: deliveryDeadLetterSource,
};

export const deadLetterSources = Object.values(SOURCES);

export function deadLetterSourceOf(queue: DeadLetterQueue): DeadLetterSource<CommonDeadLetterFilter, DeadLetterSummary> {
  const source = SOURCES[queue];
  if (!source) throw new AdminInputError(`unknown dead-letter queue ${queue}`, 'queue');
  return source;
}

const queueOnly = z.object({ queue: queueSelector });

/** The source a request names with its `queue` (query or body; other fields are left to the request's own schema). */
export function deadLetterSourceIn(input: unknown): DeadLetterSource<CommonDeadLetterFilter, DeadLetterSummary> {
  const { queue } = parseInput(queueOnly, input);
  return deadLetterSourceOf(queue);
}
