import { describe, expect, it } from 'vitest';
import type { DeadLetterData } from '@postback/core';
import { deliveryDeadLetterFactsOf, deliveryDeadLetterFilterSchema, matchesTarget } from './deliveryDeadLetterFilter.js';

const ID = '2f1c5c1e-7d35-4a8e-9a52-3c0f4b7e0001';
const entry = (job: unknown, over: Partial<DeadLetterData> = {}): DeadLetterData => ({
  job,
  failedReason: '404 Not Found',
  errors: ['404 Not Found'],
  attemptsMade: 1,
  deadLetteredAt: 1_000,
  ...over,
});
const target = { affiliatePostbackId: 5, alertRuleId: null, transactionId: 'tx-1' };

describe('deliveryDeadLetterFactsOf: what operators see of a dead-lettered delivery', () => {
  it('reads who the notification is for from a job the relay queued with it', () => {
    const job = { v: 1, notificationId: ID, ...target };
    expect(deliveryDeadLetterFactsOf(entry(job, { errorKind: 'FailedDeliveryError' }))).toEqual({
      deadLetteredAt: 1_000,
      errorKind: 'FailedDeliveryError',
      notificationId: ID,
      target,
    });
  });

  it('leaves the target unknown for a job queued before the relay copied it, and reads such a job all the same', () => {
    expect(deliveryDeadLetterFactsOf(entry({ v: 1, notificationId: ID }))).toMatchObject({ notificationId: ID, target: undefined, errorKind: 'unknown' });
  });

  it('calls a job its schema refuses unreadable', () => {
    expect(deliveryDeadLetterFactsOf(entry({ v: 9 }))).toMatchObject({ notificationId: null, target: undefined, errorKind: 'unreadable' });
  });
});

describe('matchesTarget', () => {
  it('takes every entry when the filter names no target, even one whose target is unknown', () => {
    expect(matchesTarget(undefined, {})).toBe(true);
  });

  it('takes an entry when every target field the filter names agrees', () => {
    expect(matchesTarget(target, { affiliate_postback_id: 5, transaction_id: 'tx-1' })).toBe(true);
    expect(matchesTarget(target, { affiliate_postback_id: 5, transaction_id: 'tx-2' })).toBe(false);
    expect(matchesTarget(target, { alert_rule_id: 5 })).toBe(false);
  });

  it('takes no entry whose target is unknown when the filter names one', () => {
    expect(matchesTarget(undefined, { affiliate_postback_id: 5 })).toBe(false);
  });
});

describe('deliveryDeadLetterFilterSchema', () => {
  it("refuses a field of the postbacks' filter, naming it", () => {
    const parsed = deliveryDeadLetterFilterSchema.safeParse({ endpoint_id: 1, offer_id: 2 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe('not a filter of the deliveries dead-letter queue: endpoint_id, offer_id');
  });
});
