import { describe, expect, it } from 'vitest';
import { concurrencyPerShard } from './concurrencyPerShard.js';

describe('concurrencyPerShard', () => {
  it("gives one shard the process's whole concurrency", () => {
    expect(concurrencyPerShard(32, 1)).toBe(32);
  });

  it('shares it out evenly, rounding up so the process never has fewer jobs in flight than it was given', () => {
    expect(concurrencyPerShard(32, 4)).toBe(8);
    expect(concurrencyPerShard(32, 3)).toBe(11);
  });

  it('leaves every shard at least one job, however many shards there are', () => {
    expect(concurrencyPerShard(2, 8)).toBe(1);
  });
});
