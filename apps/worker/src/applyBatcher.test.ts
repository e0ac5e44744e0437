import { PermanentJobError, TransientStoreError } from '@postback/core';
import { describe, expect, it } from 'vitest';
import { ApplyBatcher, type ApplyBatcherOptions } from './applyBatcher.js';

class Refused extends Error {}

/** A store that applies numbers in one call each, refuses the batch if it holds a poison one, and logs each call. */
function storeRefusing(poison: Set<number>, opts: Partial<ApplyBatcherOptions> = {}) {
  const calls: number[][] = [];
  const applied: number[] = [];
  const batcher = new ApplyBatcher<number, string>(
    async (items) => {
      calls.push(items);
      if (items.some((i) => poison.has(i))) throw new Refused(`refused ${items.find((i) => poison.has(i))}`);
      applied.push(...items);
      return items.map((i) => `ok ${i}`);
    },
    {
      maxSize: 1000,
      maxWaitMs: 5,
      maxInFlight: 1,
      isUnreachable: async () => false,
      isPermanent: (err) => err instanceof Refused,
      ...opts,
    },
  );
  return { batcher, calls, applied };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ApplyBatcher', () => {
  it('applies what arrives together in one call, and hands each item its own result', async () => {
    const { batcher, calls } = storeRefusing(new Set());
    const results = await Promise.all(range(10).map((i) => batcher.submit(i)));
    expect(results).toEqual(range(10).map((i) => `ok ${i}`));
    expect(calls).toEqual([range(10)]);
  });

  it('answers items submitted together in their order, once all are settled, across batches and failures', async () => {
    const { batcher, calls } = storeRefusing(new Set([7]), { maxSize: 4 });
    // Two jobs' worth at once: the first spans three batches (of 4, as maxSize says), the second shares the last.
    const [first, second] = await Promise.all([batcher.submitAll(range(10)), batcher.submitAll([10, 11])]);
    expect(first).toEqual(range(10).map((i) => (i === 7 ? expect.objectContaining({ status: 'rejected', reason: expect.any(PermanentJobError) }) : { status: 'fulfilled', value: `ok ${i}` })));
    expect(second).toEqual([{ status: 'fulfilled', value: 'ok 10' }, { status: 'fulfilled', value: 'ok 11' }]);
    expect(calls[0]).toEqual([0, 1, 2, 3]);
    expect(calls).toContainEqual([8, 9, 10, 11]);
    expect(calls.every((c) => c.length <= 4)).toBe(true);
    expect(await batcher.submitAll([])).toEqual([]);
  });

  it('isolates one refused item in a full batch in about 2·log2(n) calls, and applies every other item once', async () => {
    const { batcher, calls, applied } = storeRefusing(new Set([617]));
    const settled = await Promise.allSettled(range(1000).map((i) => batcher.submit(i)));

    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(settled[617]).toMatchObject({ status: 'rejected', reason: expect.any(PermanentJobError) });
    expect((settled[617] as PromiseRejectedResult).reason.message).toContain('refused 617');
    expect(applied.toSorted((a, b) => a - b)).toEqual(range(1000).filter((i) => i !== 617));
    // One item at a time would take 1,001 calls; halving takes 1 + 2 per level, 10 levels for 1,000.
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1000)));
  });

  it('fails each of several refused items alone, and applies every other item', async () => {
    const poison = new Set([0, 1, 500, 999]);
    const { batcher, applied } = storeRefusing(poison);
    const settled = await Promise.allSettled(range(1000).map((i) => batcher.submit(i)));
    const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([...poison]);
    expect(applied.toSorted((a, b) => a - b)).toEqual(range(1000).filter((i) => !poison.has(i)));
  });

  it('hands an item failing alone for a reason a retry may cure its own error, not a PermanentJobError', async () => {
    const flaky = new Error('could not serialize access');
    const batcher = new ApplyBatcher<number, string>(
      async (items) => {
        if (items.includes(3)) throw flaky;
        return items.map(String);
      },
      { maxSize: 100, maxWaitMs: 5, maxInFlight: 1, isUnreachable: async () => false, isPermanent: () => false },
    );
    const settled = await Promise.allSettled(range(8).map((i) => batcher.submit(i)));
    expect(settled[3]).toEqual({ status: 'rejected', reason: flaky });
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(7);
  });

  it('stops halving when both halves fail for a reason not of the data, failing each item with its error', async () => {
    const timeout = new Error('canceling statement due to lock timeout');
    const calls: number[][] = [];
    const batcher = new ApplyBatcher<number, string>(
      async (items) => {
        calls.push(items);
        throw timeout;
      },
      { maxSize: 1000, maxWaitMs: 5, maxInFlight: 1, isUnreachable: async () => false, isPermanent: () => false },
    );
    const settled = await Promise.allSettled(range(1000).map((i) => batcher.submit(i)));
    expect(settled.every((s) => s.status === 'rejected' && s.reason === timeout)).toBe(true);
    // The whole batch, then each half once: not 1,999 calls down to every single item.
    expect(calls.map((c) => c.length)).toEqual([1000, 500, 500]);
  });

  it('fails every item not yet applied with a TransientStoreError once a half finds the store unreachable', async () => {
    let reachable = true;
    const batcher = new ApplyBatcher<number, string>(
      async (items) => {
        if (items.includes(1)) throw new Error('refused');
        if (items.includes(6)) reachable = false;
        if (!reachable) throw new Error('connect ECONNREFUSED');
        return items.map(String);
      },
      { maxSize: 100, maxWaitMs: 5, maxInFlight: 1, isUnreachable: async () => !reachable, isPermanent: (err) => (err as Error).message === 'refused' },
    );
    const settled = await Promise.allSettled(range(8).map((i) => batcher.submit(i)));
    // [0-3] failed (item 1), then [4-7] found the store gone: both halves wait for it, the failed one included.
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof TransientStoreError)).toBe(true);
  });

  it('fails every item with a TransientStoreError when the store is unreachable, without splitting', async () => {
    const calls: number[][] = [];
    const batcher = new ApplyBatcher<number, string>(
      async (items) => {
        calls.push(items);
        throw new Error('connect ECONNREFUSED');
      },
      { maxSize: 100, maxWaitMs: 5, maxInFlight: 1, isUnreachable: async () => true, isPermanent: () => false },
    );
    const settled = await Promise.allSettled(range(8).map((i) => batcher.submit(i)));
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof TransientStoreError)).toBe(true);
    expect(calls).toHaveLength(1);
  });
});
