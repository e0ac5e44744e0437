import { OUTCOMES } from '../api/types';
import type { FilterSpec } from './queryFilter';

/** The rejection log's filters, as GET /admin/postbacks and its CSV export take them. */
export const LOG_FILTER = {
  advertiser_id: 'id',
  offer_id: 'id',
  endpoint_id: 'id',
  outcome: { oneOf: OUTCOMES },
  transaction_id: 'text',
  since: 'instant',
  until: 'instant',
} as const satisfies FilterSpec;

/** GET /admin/refusals. */
export const REFUSAL_FILTER = { endpoint_id: 'id', status: 'id', since: 'instant' } as const satisfies FilterSpec;

export const REPORT_GROUPS = ['reason', 'offer', 'advertiser', 'outcome'] as const;
export const REPORT_BUCKETS = ['day', 'hour'] as const;
/** GET /admin/reports/rejections. */
export const REPORT_FILTER = {
  group_by: { oneOf: REPORT_GROUPS },
  bucket: { oneOf: REPORT_BUCKETS },
  since: 'instant',
  until: 'instant',
  advertiser_id: 'id',
  offer_id: 'id',
} as const satisfies FilterSpec;

/** The dead-letter page's replay / purge filter (error_kind: one or more, space or comma separated). */
export const DEAD_LETTER_FILTER = {
  error_kind: 'text',
  from: 'instant',
  to: 'instant',
  advertiser_id: 'id',
  offer_id: 'id',
  endpoint_id: 'id',
} as const satisfies FilterSpec;
