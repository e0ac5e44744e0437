/** What became of a processed postback; stored in postback_log.outcome (in the order of that enum's values). */
export const OUTCOMES = ['rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded', 'revoked'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** States a postback can be in before it has an outcome (reported by the admin API, never stored). */
export type PendingState = 'queued' | 'dead_lettered';

export const CONVERSION_STATUSES = ['approved', 'pending', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];
