import { z } from 'zod';
import { endpointIdOf } from '@postback/core';
import { AdminInputError } from '../adminErrors.js';
import type { DeadLetterFacts } from './deadLetterFacts.js';
import { int4Id, isoDateTime, jobId, text } from './inputTypes.js';

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const listOf = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * The filter fields every dead-letter queue takes (see deadLetterSource.ts): ids, error kinds and when. Each queue's
 * filter adds its own fields to these and is strict, so a misspelt field, or one of another queue's, is an error
 * rather than a filter that silently matches everything.
 */
export const commonFilterFields = {
  ids: z.array(jobId).min(1).max(10_000).optional(),
  /** "unreadable", a SQLSTATE ("23514"), or an error class name: see errorKindOf. */
  error_kind: listOf(text(64)).optional(),
  /** Dead-lettered at or after / before this time. */
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  /** Dead-lettered longer ago than this: "90s", "30m", "12h", "7d", "2w". */
  older_than: z.string().regex(/^\d+[smhdw]$/, 'a number and a unit: s, m, h, d or w (e.g. 7d)').optional(),
};
export type CommonDeadLetterFilter = z.infer<z.ZodObject<typeof commonFilterFields>>;

/** A strict filter object whose unknown fields are named in the error, with the queue they do not apply to. */
export function filterObject<Shape extends z.ZodRawShape>(queue: string, shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `not a filter of the ${queue} dead-letter queue: ${issue.keys.join(', ')}` : undefined),
  });
}

/** Which dead-lettered postbacks a replay or purge takes; every field narrows, none means all. */
export const deadLetterFilterSchema = filterObject('postbacks', {
  ...commonFilterFields,
  advertiser_id: int4Id.optional(),
  /** Postbacks sent to this offer's URL, or to a global URL for a conversion of this offer. */
  offer_id: int4Id.optional(),
  endpoint_id: int4Id.optional(),
});
export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/** Epoch milliseconds: from inclusive, to exclusive. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** The time window a filter gives at `now`; an empty one is the operator's mistake, not a filter that matches nothing. */
export function timeWindowOf(filter: CommonDeadLetterFilter, now: number): TimeWindow {
  const from = filter.from ? Date.parse(filter.from) : -Infinity;
  let to = filter.to ? Date.parse(filter.to) : Infinity;
  if (filter.older_than) {
    const unit = filter.older_than.slice(-1) as keyof typeof DURATION_UNITS_MS;
    to = Math.min(to, now - Number(filter.older_than.slice(0, -1)) * DURATION_UNITS_MS[unit]);
  }
  if (from >= to) throw new AdminInputError('the time range is empty: from must be before to / older_than', 'from');
  return { from, to };
}

/** The offer of each conversion (by transaction id) that a postback sent to a global URL targets. */
export type OfferOfTransaction = ReadonlyMap<string, number>;

/**
 * The transactions whose conversion's offer the filter must look up before it can decide: those of postbacks
 * sent to a global URL (which names no offer), and only when it filters by offer.
 */
export function transactionsNeedingOffer(entries: DeadLetterFacts[], filter: DeadLetterFilter): string[] {
  if (filter.offer_id === undefined) return [];
  return entries.flatMap((e) => (e.postbacks === 'unreadable' ? [] : e.postbacks.filter((p) => p.scope.offerId === null).map((p) => p.transactionId)));
}

/** Whether a filter takes a dead-letter entry (its ids are checked by the scan, which reads only those). */
export function matchesFilter(entry: DeadLetterFacts, filter: DeadLetterFilter, window: TimeWindow, offers: OfferOfTransaction): boolean {
  if (!matchesTimeAndKind(entry, filter, window)) return false;
  if (filter.advertiser_id === undefined && filter.offer_id === undefined && filter.endpoint_id === undefined) return true;
  if (entry.postbacks === 'unreadable') return false;
  // A job of several postbacks matches when any of them does: the job is what gets replayed or purged.
  return entry.postbacks.some(
    (p) =>
      (filter.advertiser_id === undefined || p.scope.advertiserId === filter.advertiser_id) &&
      (filter.endpoint_id === undefined || endpointIdOf(p) === filter.endpoint_id) &&
      (filter.offer_id === undefined || (p.scope.offerId ?? offers.get(p.transactionId)) === filter.offer_id),
  );
}

/** The part of any queue's filter that every entry answers alike: when it was dead-lettered and its error kind. */
export function matchesTimeAndKind(entry: { deadLetteredAt: number; errorKind: string }, filter: CommonDeadLetterFilter, window: TimeWindow): boolean {
  if (entry.deadLetteredAt < window.from || entry.deadLetteredAt >= window.to) return false;
  if (!filter.error_kind) return true;
  const kind = entry.errorKind.toLowerCase();
  return filter.error_kind.some((k) => k.toLowerCase() === kind);
}
