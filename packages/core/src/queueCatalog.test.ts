import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { queueCatalog, shardsOnlyIn, shardTag, shardTagsOf } from './queueCatalog.js';
import { shardOfTransaction } from './shardOfTransaction.js';

describe('shard tags', () => {
  it("keeps today's names with one shard: the control tag itself", () => {
    expect(shardTagsOf('{postback}', 1)).toEqual(['{postback}']);
    expect(shardTag('{postback}', 0, 1)).toBe('{postback}');
  });

  it("gives each shard of a larger layout a hash tag of its own, derived from the control tag's", () => {
    expect(shardTagsOf('{postback}', 3)).toEqual(['{postback-0}', '{postback-1}', '{postback-2}']);
    expect(shardTagsOf('{pp-test-x-1}', 2)).toEqual(['{pp-test-x-1-0}', '{pp-test-x-1-1}']);
  });

  it('names shard i alike in every layout of more than one shard', () => {
    expect(shardTagsOf('{postback}', 2)).toEqual(shardTagsOf('{postback}', 3).slice(0, 2));
  });
});

describe('shardsOnlyIn', () => {
  it('is every shard of a layout no other layout has', () => {
    expect(shardsOnlyIn('{p}', 1, [1, 3])).toEqual(['{p}']);
    expect(shardsOnlyIn('{p}', 3, [2, 3])).toEqual(['{p-2}']);
    expect(shardsOnlyIn('{p}', 2, [2, 3])).toEqual([]);
    expect(shardsOnlyIn('{p}', 3, [3])).toEqual(['{p-0}', '{p-1}', '{p-2}']);
  });
});

describe('queueCatalog', () => {
  it("keeps today's queue names under QUEUE_PREFIX with the default of one shard", () => {
    const catalog = queueCatalog(loadConfig({}));
    expect(catalog.control).toBe('{postback}');
    expect(catalog.ownShards()).toEqual(['{postback}']);
    expect(catalog.postback.queueName).toBe('rejections');
    expect(catalog.postback.deadLetterName).toBe('rejections-dead');
    expect(catalog.shardOf('abc123')).toBe('{postback}');
  });

  it("puts a transaction on the shard its hash picks, under this process's layout", () => {
    const catalog = queueCatalog(loadConfig({ QUEUE_SHARDS: '3' }));
    for (const tx of ['abc123', 'tx-1', 'tx-2', 'ü']) expect(catalog.shardOf(tx)).toBe(`{postback-${shardOfTransaction(tx, 3)}}`);
  });

  it('gives postback jobs their attempts and exponential backoff with jitter', () => {
    const catalog = queueCatalog(loadConfig({ JOB_ATTEMPTS: '4', JOB_BACKOFF_MS: '250' }));
    expect(catalog.postback.options('job-1')).toEqual({ jobId: 'job-1', attempts: 4, backoff: { type: 'exponential', delay: 250, jitter: 0.5 } });
  });
});
