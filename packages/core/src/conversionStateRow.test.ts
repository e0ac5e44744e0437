import { describe, expect, it } from 'vitest';
import { conversionStateOf } from './conversionStateRow.js';

describe('conversionStateOf', () => {
  it('maps a row to the rules input, the last receipt sequence number from bigint to number', () => {
    const row = { status: 'rejected' as const, rejected_reason: 'bot_traffic', offer_id: 7, advertiser_id: 3, last_postback_seq: 1_764_000_000_000_123n };
    expect(conversionStateOf(row)).toEqual({
      status: 'rejected',
      rejectedReason: 'bot_traffic',
      offerId: 7,
      advertiserId: 3,
      lastPostbackSeq: 1_764_000_000_000_123,
    });
  });

  it('keeps "no postback applied yet" as null, not 0', () => {
    const row = { status: 'approved' as const, rejected_reason: null, offer_id: 7, advertiser_id: 3, last_postback_seq: null };
    expect(conversionStateOf(row)).toMatchObject({ rejectedReason: null, lastPostbackSeq: null });
  });
});
