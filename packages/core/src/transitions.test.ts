import { describe, expect, it } from 'vitest';
import type { Scope } from './postbackJob.js';
import { decide, decideBatch, type ConversionState, type PostbackInput } from './transitions.js';

const ADVERTISER = 10;
const OFFER = 100;
const conversion = (over: Partial<ConversionState> = {}): ConversionState => ({
  status: 'approved',
  rejectedReason: null,
  offerId: OFFER,
  advertiserId: ADVERTISER,
  lastPostbackSeq: null,
  ...over,
});
const globalScope: Scope = { kind: 'global', advertiserId: ADVERTISER, offerId: null };
const offerScope: Scope = { kind: 'offer', advertiserId: ADVERTISER, offerId: OFFER };
const postback = (over: Partial<PostbackInput> = {}): PostbackInput => ({ seq: 50, reason: 'bot_traffic', scope: globalScope, ...over });

describe('decide: one row per case of the transition table', () => {
  const rows: Array<[string, ConversionState | null, PostbackInput, string, Partial<ConversionState> | null, boolean]> = [
    // name, conversion now, postback, outcome, state after (null = untouched), history row?
    ['approved → rejected with the reason', conversion(), postback(), 'rejected', { status: 'rejected', rejectedReason: 'bot_traffic', lastPostbackSeq: 50 }, true],
    ['pending → rejected with the reason', conversion({ status: 'pending' }), postback(), 'rejected', { status: 'rejected', rejectedReason: 'bot_traffic' }, true],
    ['rejected with another reason → reason replaced', conversion({ status: 'rejected', rejectedReason: 'duplicate' }), postback(), 'reason_updated', { status: 'rejected', rejectedReason: 'bot_traffic' }, true],
    ['rejected with the same reason → unchanged, no history', conversion({ status: 'rejected', rejectedReason: 'bot_traffic' }), postback(), 'unchanged', { status: 'rejected', rejectedReason: 'bot_traffic', lastPostbackSeq: 50 }, false],
    ['no such conversion → not_found', null, postback(), 'not_found', null, false],
    ['offer-level key, conversion of another offer → out_of_scope', conversion({ offerId: 999 }), postback({ scope: offerScope }), 'out_of_scope', null, false],
    ['global key, conversion of another advertiser → out_of_scope', conversion({ advertiserId: 77, offerId: 999 }), postback(), 'out_of_scope', null, false],
    ['global key, any offer of its advertiser → applied', conversion({ offerId: 555 }), postback(), 'rejected', { status: 'rejected' }, true],
    ['offer-level key, its own offer → applied', conversion(), postback({ scope: offerScope }), 'rejected', { status: 'rejected' }, true],
    ['older than the postback already applied → superseded', conversion({ status: 'rejected', rejectedReason: 'chargeback', lastPostbackSeq: 60 }), postback(), 'superseded', null, false],
    ['newer than the postback already applied → applied', conversion({ status: 'rejected', rejectedReason: 'chargeback', lastPostbackSeq: 40 }), postback(), 'reason_updated', { rejectedReason: 'bot_traffic', lastPostbackSeq: 50 }, true],
    ['out of scope wins over superseded (reveals nothing)', conversion({ offerId: 999, lastPostbackSeq: 60 }), postback({ scope: offerScope }), 'out_of_scope', null, false],
    ['offer-level key of another offer of the same advertiser → out_of_scope', conversion({ offerId: 555 }), postback({ scope: offerScope }), 'out_of_scope', null, false],
    ['received after its key was revoked → revoked, untouched', conversion(), postback({ keyRevokedSeq: 49 }), 'revoked', null, false],
    ['received before its key was revoked → applied', conversion(), postback({ keyRevokedSeq: 51 }), 'rejected', { status: 'rejected', rejectedReason: 'bot_traffic' }, true],
    ['key never revoked (null) → applied', conversion(), postback({ keyRevokedSeq: null }), 'rejected', { status: 'rejected' }, true],
    ['revoked wins over not_found', null, postback({ keyRevokedSeq: 49 }), 'revoked', null, false],
    ['received at its rotated key\'s expiry → revoked, untouched', conversion(), postback({ receivedAt: 2000, keyExpiresAt: 2000 }), 'revoked', null, false],
    ['received after its rotated key\'s expiry → revoked', conversion(), postback({ receivedAt: 2001, keyExpiresAt: 2000 }), 'revoked', null, false],
    ['received within its rotated key\'s grace → applied', conversion(), postback({ receivedAt: 1999, keyExpiresAt: 2000 }), 'rejected', { status: 'rejected' }, true],
    ['key never rotated (expiry null) → applied', conversion(), postback({ receivedAt: 2001, keyExpiresAt: null }), 'rejected', { status: 'rejected' }, true],
    ['expired wins over not_found', null, postback({ receivedAt: 2001, keyExpiresAt: 2000 }), 'revoked', null, false],
    ['revoked wins over out_of_scope and superseded', conversion({ offerId: 999, lastPostbackSeq: 60 }), postback({ scope: offerScope, keyRevokedSeq: 1 }), 'revoked', null, false],
  ];

  it.each(rows)('%s', (_name, before, input, outcome, after, history) => {
    const d = decide(before, input);
    expect(d.outcome).toBe(outcome);
    if (after === null) expect(d.next).toBeUndefined();
    else expect(d.next).toMatchObject(after);
    expect(d.change !== undefined).toBe(history);
    if (d.change) {
      expect(d.change).toEqual({ fromStatus: before!.status, toStatus: 'rejected', oldReason: before!.rejectedReason, newReason: input.reason });
    }
  });
});

describe('decideBatch', () => {
  const tx = (seq: number, reason: string, transactionId = 't1', keyRevokedSeq: number | null = null) =>
    ({ postbackId: `p${seq}`, transactionId, seq, reason, scope: globalScope, keyRevokedSeq });

  it('keeps the reason of the postback received last, whatever order the batch lists them in', () => {
    const states = new Map([['t1', conversion()]]);
    const { results, finalStates } = decideBatch(states, [tx(3, 'chargeback'), tx(1, 'bot_traffic'), tx(2, 'duplicate')]);
    expect(finalStates.get('t1')).toMatchObject({ rejectedReason: 'chargeback', lastPostbackSeq: 3 });
    expect(results.map((r) => [r.postback.seq, r.decision.outcome])).toEqual([
      [3, 'reason_updated'],
      [1, 'rejected'],
      [2, 'reason_updated'],
    ]);
  });

  it('gives the same history as applying the postbacks one by one', () => {
    const states = new Map([['t1', conversion()]]);
    const { results } = decideBatch(states, [tx(1, 'a'), tx(2, 'a'), tx(3, 'b')]);
    expect(results.filter((r) => r.decision.change).map((r) => r.decision.change)).toEqual([
      { fromStatus: 'approved', toStatus: 'rejected', oldReason: null, newReason: 'a' },
      { fromStatus: 'rejected', toStatus: 'rejected', oldReason: 'a', newReason: 'b' },
    ]);
  });

  it('does not touch the input states and reports untouched conversions as not changed', () => {
    const before = conversion();
    const states = new Map([['t1', before], ['t2', conversion()]]);
    const { finalStates } = decideBatch(states, [tx(1, 'a', 't1'), tx(2, 'b', 'missing')]);
    expect(states.get('t1')).toBe(before);
    expect([...finalStates.keys()]).toEqual(['t1']);
  });

  it('lets a postback received after its key was revoked neither change the conversion nor supersede an earlier one', () => {
    const states = new Map([['t1', conversion()]]);
    // The key was revoked between seq 1 and seq 3: the later postback is refused, the earlier one still applies.
    const { results, finalStates } = decideBatch(states, [tx(3, 'chargeback', 't1', 2), tx(1, 'bot_traffic', 't1', 2)]);
    expect(results.map((r) => [r.postback.seq, r.decision.outcome])).toEqual([
      [3, 'revoked'],
      [1, 'rejected'],
    ]);
    expect(finalStates.get('t1')).toMatchObject({ rejectedReason: 'bot_traffic', lastPostbackSeq: 1 });
  });
});
