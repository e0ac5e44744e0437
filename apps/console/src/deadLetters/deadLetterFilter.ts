import type { DeadLetterFilter, DeadLetterQueue } from '../api/types';
import type { FilterOf } from '../filters/queryFilter';
import type { DEAD_LETTER_FILTER, DELIVERY_DEAD_LETTER_FILTER } from '../filters/specs';

/** The queue the page's address names (`?queue=deliveries`); the postbacks' otherwise. */
export function deadLetterQueueOf(params: URLSearchParams): DeadLetterQueue {
  return params.get('queue') === 'deliveries' ? 'deliveries' : 'postbacks';
}

/** The dead-letter page's form filter as the replay and purge routes take it: error kinds as a list. */
export function deadLetterFilterOf(filter: FilterOf<typeof DEAD_LETTER_FILTER> | FilterOf<typeof DELIVERY_DEAD_LETTER_FILTER>): DeadLetterFilter {
  const { error_kind, ...rest } = filter;
  const kinds = (error_kind ?? '').split(/[\s,]+/).filter(Boolean);
  return { ...rest, ...(kinds.length > 0 ? { error_kind: kinds } : {}) };
}

/** A replay's progress in a sentence. */
export function replayProgress(replay: { id: string; status: string; replayed: number; matched: number | null; missing: number }): string {
  const of = replay.matched === null ? '' : ` of ${replay.matched}`;
  const missing = replay.missing > 0 ? `, ${replay.missing} gone meanwhile` : '';
  return `Replay ${replay.id}: ${replay.status}, ${replay.replayed}${of} replayed${missing}`;
}
