import { DELIVERY_RESULTS } from '../api/affiliateTypes';
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

/** The dead-letter page's replay / purge filter of the deliveries' queue (error_kind as below). */
export const DELIVERY_DEAD_LETTER_FILTER = {
  error_kind: 'text',
  from: 'instant',
  to: 'instant',
  affiliate_postback_id: 'id',
  alert_rule_id: 'id',
  transaction_id: 'text',
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

/** The delivery log's filters, as GET /admin/deliveries takes them (its `status` is an attempt's result). */
export const DELIVERY_FILTER = {
  affiliate_postback_id: 'id',
  alert_rule_id: 'id',
  transaction_id: 'text',
  status: { oneOf: DELIVERY_RESULTS },
} as const satisfies FilterSpec;
