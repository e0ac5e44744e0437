import { describe, expect, it } from 'vitest';
import type { DeadLetterData } from '@postback/core';
import { deadLetterFactsOf } from './deadLetterFacts.js';

const postback = {
  postbackId: '2f1c5c1e-7d35-4a8e-9a52-3c0f4b7e0001',
  endpointId: 7,
  scope: { kind: 'offer' as const, advertiserId: 1, offerId: 10 },
  transactionId: 'tx-1',
  reason: 'fraud',
  seq: 1,
  receivedAt: 1,
};
const entry = (over: Partial<DeadLetterData>): DeadLetterData => ({
  job: { v: 1, ...postback },
  failedReason: 'refused',
  errors: ['refused'],
  attemptsMade: 1,
  deadLetteredAt: 1_000,
  ...over,
});

describe('deadLetterFactsOf: what operators see of and filter by in a dead-letter entry', () => {
  it('reads the postbacks of either job version', () => {
    expect(deadLetterFactsOf(entry({})).postbacks).toEqual([postback]);
    expect(deadLetterFactsOf(entry({ job: { v: 2, postbacks: [postback, { ...postback, transactionId: 'tx-2' }] } })).postbacks).toHaveLength(2);
  });

  it('takes the error kind the worker recorded', () => {
    expect(deadLetterFactsOf(entry({ errorKind: 'P0001' }))).toMatchObject({ errorKind: 'P0001', deadLetteredAt: 1_000 });
  });

  it('tells the kind of an entry that recorded none (moved by the sweep, or older) from the SQLSTATE quoted in its reason', () => {
    expect(deadLetterFactsOf(entry({ failedReason: 'Raw query failed. Code: `23514`. Message: `check`' })).errorKind).toBe('23514');
    expect(deadLetterFactsOf(entry({ failedReason: 'boom' })).errorKind).toBe('unknown');
  });

  it('calls an entry whose job does not read unreadable, postbacks and kind alike', () => {
    expect(deadLetterFactsOf(entry({ job: { v: 99, garbage: true } }))).toMatchObject({ postbacks: 'unreadable', errorKind: 'unreadable' });
  });
});
