import { describe, expect, it } from 'vitest';
import { shardTagsOf } from '@postback/core';
import { queuesNamed } from './queuesNamed.js';

const deadLettersOf = (shards: number) => shardTagsOf('{postback}', shards).map((tag) => `${tag}:rejections-dead`);

describe('queuesNamed', () => {
  it("names the one dead-letter queue as BullMQ does, as before shards", () => {
    expect(queuesNamed(deadLettersOf(1))).toBe('{postback}:rejections-dead');
  });

  it('names every shard’s dead-letter queue when they fit the column', () => {
    expect(queuesNamed(deadLettersOf(3))).toBe('{postback-0}:rejections-dead {postback-1}:rejections-dead {postback-2}:rejections-dead');
  });

  it('names as many as fit in 200 characters, and how many more there were', () => {
    const named = queuesNamed(deadLettersOf(64));
    expect(named.length).toBeLessThanOrEqual(200);
    const [listed, more] = named.split(' and ');
    const kept = listed!.split(' ');
    expect(kept).toEqual(deadLettersOf(64).slice(0, kept.length));
    expect(more).toBe(`${64 - kept.length} more`);
  });
});
