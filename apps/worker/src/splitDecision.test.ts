import { describe, expect, it } from 'vitest';
import { TransientStoreError, type Outcome } from '@postback/core';
import { decideSplit } from './splitDecision.js';

const ok = (outcome: Outcome): PromiseSettledResult<Outcome> => ({ status: 'fulfilled', value: outcome });
const failed = (reason: unknown): PromiseSettledResult<Outcome> => ({ status: 'rejected', reason });
const outage = new TransientStoreError('postgres unreachable');
const refused = new Error('value too long for type character varying(255)');
const other = new Error('deadlock detected');

describe('decideSplit: what happens to a job once its postbacks have settled', () => {
  it('completes a job whose postbacks all have an outcome, counting each outcome', () => {
    expect(decideSplit([ok('rejected'), ok('unchanged'), ok('rejected')], 2)).toEqual({
      kind: 'done',
      outcomes: { rejected: 2, unchanged: 1 },
    });
    expect(decideSplit([ok('not_found')], 1)).toEqual({ kind: 'done', outcomes: { not_found: 1 } });
  });

  it('puts the whole job back when Postgres was unreachable for any postback, whatever else failed or succeeded', () => {
    expect(decideSplit([ok('rejected'), failed(refused), failed(outage)], 2)).toEqual({ kind: 'outage', error: outage });
    expect(decideSplit([failed(outage)], 1)).toEqual({ kind: 'outage', error: outage });
  });

  it('retries a failed job of one postback (v: 1) with its own error', () => {
    const decision = decideSplit([failed(refused)], 1);
    expect(decision).toEqual({ kind: 'retry', error: refused });
  });

  it('splits off only the failed postbacks of a job of several (v: 2), by their place in the job, and counts the rest', () => {
    expect(decideSplit([ok('rejected'), failed(refused), ok('superseded'), failed(other)], 2)).toEqual({
      kind: 'split',
      outcomes: { rejected: 1, superseded: 1 },
      failed: [
        { index: 1, error: refused },
        { index: 3, error: other },
      ],
    });
  });

  it('splits off every postback of a job of several that all failed, completing none', () => {
    expect(decideSplit([failed(other), failed(other)], 2)).toEqual({
      kind: 'split',
      outcomes: {},
      failed: [
        { index: 0, error: other },
        { index: 1, error: other },
      ],
    });
  });
});
