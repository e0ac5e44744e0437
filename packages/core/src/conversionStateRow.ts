import type { ConversionStatus } from './outcomes.js';
import type { ConversionState } from './transitions.js';

/**
 * A conversion as raw SQL returns it for the transition rules: `c.status::text AS status, c.rejected_reason,
 * c.offer_id, o.advertiser_id, c.last_postback_seq` from conversions joined to offers. The worker reads it to apply
 * a batch, the fault suite to replay the rules over the log; both turn it into the rules' input here.
 */
export interface ConversionStateRow {
  status: ConversionStatus;
  rejected_reason: string | null;
  offer_id: number;
  advertiser_id: number;
  last_postback_seq: bigint | null;
}

/**
 * The conversion as the transition rules see it. A receipt sequence number (about Redis's clock in µs) is far below
 * 2^53, so it is exact as a number.
 */
export function conversionStateOf(row: ConversionStateRow): ConversionState {
  return {
    status: row.status,
    rejectedReason: row.rejected_reason,
    offerId: row.offer_id,
    advertiserId: row.advertiser_id,
    lastPostbackSeq: row.last_postback_seq === null ? null : Number(row.last_postback_seq),
  };
}
