import { describe, expect, it } from 'vitest';
import { scopeOf } from './endpointScope.js';
import { postbackSchema } from './postbackJob.js';

describe('scopeOf', () => {
  it('reads a global URL as every offer of its advertiser, and an offer-level one as its offer', () => {
    expect(scopeOf('global', 7, null)).toEqual({ kind: 'global', advertiserId: 7, offerId: null });
    expect(scopeOf('offer', 7, 70)).toEqual({ kind: 'offer', advertiserId: 7, offerId: 70 });
  });

  it('never reads an offer-level URL whose offer is missing as global', () => {
    expect(scopeOf('offer', 7, null)).toBeNull();
  });

  it('refuses a global URL that names an offer, and an unknown kind', () => {
    expect(scopeOf('global', 7, 70)).toBeNull();
    expect(scopeOf('advertiser', 7, null)).toBeNull();
  });
});

describe('the scope a job carries', () => {
  const job = (scope: unknown) => ({
    postbackId: '2f1c5c1e-7d35-4a8e-9a52-3c0f4b7e0001', endpointId: 1, scope, transactionId: 't', reason: 'r', seq: 1, receivedAt: 1,
  });

  it('keeps its kind', () => {
    expect(postbackSchema.parse(job({ kind: 'offer', advertiserId: 7, offerId: 70 })).scope).toEqual({ kind: 'offer', advertiserId: 7, offerId: 70 });
  });

  it('refuses an offer-level scope without its offer', () => {
    expect(postbackSchema.safeParse(job({ kind: 'offer', advertiserId: 7, offerId: null })).success).toBe(false);
  });

  it('reads a job queued before scopes had a kind by its offer, as it was meant then', () => {
    expect(postbackSchema.parse(job({ advertiserId: 7, offerId: null })).scope).toEqual({ kind: 'global', advertiserId: 7, offerId: null });
    expect(postbackSchema.parse(job({ advertiserId: 7, offerId: 70 })).scope).toEqual({ kind: 'offer', advertiserId: 7, offerId: 70 });
  });
});
