/** What became of a processed postback; stored in postback_log.outcome (in the order of that enum's values). */
export const OUTCOMES = ['rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded', 'revoked'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** States a postback can be in before it has an outcome (reported by the admin API, never stored). */
export type PendingState = 'queued' | 'dead_lettered';

export const CONVERSION_STATUSES = ['approved', 'pending', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/**
 * Why a postback changed nothing, in words, as postback_log.error keeps it; null for the outcomes that changed the
 * conversion. Words for a person reading the console's rejection log, never matched by code (the outcome is the fact).
 */
export const OUTCOME_ERRORS: Readonly<Record<Outcome, string | null>> = {
  rejected: null,
  reason_updated: null,
  unchanged: 'The conversion was already rejected with this reason.',
  not_found: 'No conversion has this transaction id.',
  out_of_scope: "The conversion belongs to an offer outside the rejection URL's (or upload's) scope.",
  superseded: 'A postback received later was already applied to this conversion.',
  revoked: "The rejection URL's key had been revoked when this postback was received.",
};

/**
 * How a postback arrived, as postback_log.source keeps it: through a rejection URL, as a row of a bulk upload, or put
 * back from the dead-letter queue by a replay (whichever way it first came).
 */
export const POSTBACK_SOURCES = ['url', 'bulk', 'replay'] as const;
export type PostbackSource = (typeof POSTBACK_SOURCES)[number];
