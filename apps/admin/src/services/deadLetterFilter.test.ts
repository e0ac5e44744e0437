import { describe, expect, it } from 'vitest';
import type { Postback } from '@postback/core';
import { AdminInputError } from '../adminErrors.js';
import type { DeadLetterFacts } from './deadLetterFacts.js';
import { deadLetterFilterSchema, matchesFilter, timeWindowOf, transactionsNeedingOffer, type DeadLetterFilter } from './deadLetterFilter.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ALL_TIME = { from: -Infinity, to: Infinity };
const NO_OFFERS = new Map<string, number>();

const filter = (input: Record<string, unknown>): DeadLetterFilter => deadLetterFilterSchema.parse(input);
const postback = (over: Partial<Postback> = {}): Postback => ({
  postbackId: '2f1c5c1e-7d35-4a8e-9a52-3c0f4b7e0001',
  endpointId: 7,
  scope: { kind: 'offer' as const, advertiserId: 1, offerId: 10 },
  transactionId: 'tx-1',
  reason: 'fraud',
  seq: 1,
  receivedAt: NOW,
  ...over,
});
const entry = (over: Partial<DeadLetterFacts> = {}): DeadLetterFacts => ({
  deadLetteredAt: NOW - HOUR,
  errorKind: '23514',
  postbacks: [postback()],
  ...over,
});

describe('timeWindowOf: the dead-lettered-at window a filter gives', () => {
  it('is all time without from, to or older_than', () => {
    expect(timeWindowOf(filter({}), NOW)).toEqual(ALL_TIME);
  });

  it('runs from `from` (inclusive) to `to` (exclusive)', () => {
    expect(timeWindowOf(filter({ from: '2026-11-30T08:00:00Z', to: '2026-11-30T10:00:00+01:00' }), NOW)).toEqual({
      from: Date.parse('2026-11-30T08:00:00Z'),
      to: Date.parse('2026-11-30T09:00:00Z'),
    });
  });

  it('ends older_than before now, in every unit', () => {
    for (const [age, ms] of [['90s', 90_000], ['30m', 30 * 60_000], ['12h', 12 * HOUR], ['7d', 7 * 24 * HOUR], ['2w', 14 * 24 * HOUR]] as const) {
      expect(timeWindowOf(filter({ older_than: age }), NOW)).toEqual({ from: -Infinity, to: NOW - ms });
    }
  });

  it('takes the earlier end when both to and older_than are given', () => {
    expect(timeWindowOf(filter({ to: '2026-11-30T11:00:00Z', older_than: '2h' }), NOW).to).toBe(NOW - 2 * HOUR);
    expect(timeWindowOf(filter({ to: '2026-11-30T09:00:00Z', older_than: '2h' }), NOW).to).toBe(Date.parse('2026-11-30T09:00:00Z'));
  });

  it('refuses an empty range as bad input naming from', () => {
    const empty = () => timeWindowOf(filter({ from: '2026-11-30T11:00:00Z', older_than: '2h' }), NOW);
    expect(empty).toThrow(AdminInputError);
    expect(empty).toThrow(expect.objectContaining({ field: 'from' }));
  });
});

describe('matchesFilter: whether a filter takes a dead-letter entry', () => {
  it('takes everything with an empty filter, unreadable entries too', () => {
    expect(matchesFilter(entry(), filter({}), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry({ postbacks: 'unreadable', errorKind: 'unreadable' }), filter({}), ALL_TIME, NO_OFFERS)).toBe(true);
  });

  it('takes an entry dead-lettered at the window start, not one at its end', () => {
    const window = { from: NOW - HOUR, to: NOW };
    expect(matchesFilter(entry({ deadLetteredAt: NOW - HOUR }), filter({}), window, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry({ deadLetteredAt: NOW }), filter({}), window, NO_OFFERS)).toBe(false);
    expect(matchesFilter(entry({ deadLetteredAt: NOW - 2 * HOUR }), filter({}), window, NO_OFFERS)).toBe(false);
  });

  it('takes any of the error kinds asked for, whatever their case', () => {
    expect(matchesFilter(entry({ errorKind: 'P0001' }), filter({ error_kind: ['23514', 'p0001'] }), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry({ errorKind: 'TypeError' }), filter({ error_kind: 'typeerror' }), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry({ errorKind: '23505' }), filter({ error_kind: ['23514', 'unreadable'] }), ALL_TIME, NO_OFFERS)).toBe(false);
  });

  it("takes an advertiser's or an endpoint's postbacks only", () => {
    expect(matchesFilter(entry(), filter({ advertiser_id: 1 }), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry(), filter({ advertiser_id: 2 }), ALL_TIME, NO_OFFERS)).toBe(false);
    expect(matchesFilter(entry(), filter({ endpoint_id: 7 }), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry(), filter({ endpoint_id: 8 }), ALL_TIME, NO_OFFERS)).toBe(false);
  });

  it("takes an offer's postbacks: its own URL's, and a global URL's for a conversion of that offer", () => {
    const viaGlobalUrl = entry({ postbacks: [postback({ scope: { kind: 'global' as const, advertiserId: 1, offerId: null }, transactionId: 'tx-global' })] });
    const offers = new Map([['tx-global', 20]]);
    expect(matchesFilter(entry(), filter({ offer_id: 10 }), ALL_TIME, offers)).toBe(true);
    expect(matchesFilter(entry(), filter({ offer_id: 20 }), ALL_TIME, offers)).toBe(false);
    expect(matchesFilter(viaGlobalUrl, filter({ offer_id: 20 }), ALL_TIME, offers)).toBe(true);
    expect(matchesFilter(viaGlobalUrl, filter({ offer_id: 10 }), ALL_TIME, offers)).toBe(false);
    // A global URL's postback for a conversion nobody knows matches no offer.
    expect(matchesFilter(viaGlobalUrl, filter({ offer_id: 20 }), ALL_TIME, NO_OFFERS)).toBe(false);
  });

  it('takes a job of several postbacks when one of them matches every field, not when the fields match different ones', () => {
    const job = entry({ postbacks: [postback({ endpointId: 7, scope: { kind: 'offer' as const, advertiserId: 1, offerId: 10 } }), postback({ endpointId: 8, scope: { kind: 'offer' as const, advertiserId: 2, offerId: 30 } })] });
    expect(matchesFilter(job, filter({ advertiser_id: 2, endpoint_id: 8 }), ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(job, filter({ advertiser_id: 2, endpoint_id: 7 }), ALL_TIME, NO_OFFERS)).toBe(false);
  });

  it('never takes an unreadable entry by advertiser, offer or endpoint: it names none', () => {
    const unreadable = entry({ postbacks: 'unreadable', errorKind: 'unreadable' });
    for (const f of [{ advertiser_id: 1 }, { offer_id: 10 }, { endpoint_id: 7 }]) {
      expect(matchesFilter(unreadable, filter(f), ALL_TIME, NO_OFFERS)).toBe(false);
    }
  });

  it('needs every field to match: kind, window and scope together', () => {
    const f = filter({ error_kind: '23514', advertiser_id: 1 });
    expect(matchesFilter(entry(), f, ALL_TIME, NO_OFFERS)).toBe(true);
    expect(matchesFilter(entry({ errorKind: 'P0001' }), f, ALL_TIME, NO_OFFERS)).toBe(false);
    expect(matchesFilter(entry(), f, { from: NOW, to: Infinity }, NO_OFFERS)).toBe(false);
  });
});

describe('transactionsNeedingOffer: what the scan must look up before deciding', () => {
  const global = postback({ scope: { kind: 'global' as const, advertiserId: 1, offerId: null }, transactionId: 'tx-global' });

  it("lists the transactions of global URLs' postbacks when the filter names an offer", () => {
    const entries = [entry(), entry({ postbacks: [global, postback({ transactionId: 'tx-offer' })] }), entry({ postbacks: 'unreadable' })];
    expect(transactionsNeedingOffer(entries, filter({ offer_id: 10 }))).toEqual(['tx-global']);
  });

  it('lists none when the filter names no offer', () => {
    expect(transactionsNeedingOffer([entry({ postbacks: [global] })], filter({ advertiser_id: 1 }))).toEqual([]);
  });
});
