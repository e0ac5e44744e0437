import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { batchIds, batchJobIdOf, bulkBatchIds, endpointPostbackSchema, markReplayed, mintedAtOf, postbackJobSchema, postbacksOf } from './postbackJob.js';

const T = Date.UTC(2026, 11, 1, 10, 30, 0, 123);

describe('batchIds', () => {
  it('lays the ids out as UUIDv7: the minting time in the first 48 bits, version 7, variant 10', () => {
    const { jobId, postbackIds } = batchIds(3, T);
    for (const id of [jobId, ...postbackIds]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id.slice(0, 13)).toBe(`${T.toString(16).padStart(12, '0').slice(0, 8)}-${T.toString(16).padStart(12, '0').slice(8)}`);
      // What the job contract accepts.
      expect(endpointPostbackSchema.shape.postbackId.safeParse(id).success).toBe(true);
    }
  });

  it('counts the postbacks of a job in the last four hex digits, and the job id ends in 0000', () => {
    const { jobId, postbackIds } = batchIds(500, T);
    expect(jobId.endsWith('0000')).toBe(true);
    expect(postbackIds.map((id) => id.slice(-4))).toEqual(Array.from({ length: 500 }, (_, i) => (i + 1).toString(16).padStart(4, '0')));
    for (const id of postbackIds) expect(batchJobIdOf(id)).toBe(jobId);
  });

  it('orders ids minted later after earlier ones, across calls, as text (and so as Postgres uuids)', () => {
    const minted = [0, 1, 2, 1000, 86_400_000].map((dt) => batchIds(2, T + dt));
    const all = minted.flatMap((b) => [b.jobId, ...b.postbackIds]);
    expect([...all].sort()).toEqual(all);
  });

  it('gives two jobs of the same millisecond different ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => batchIds(1, T).jobId));
    expect(ids.size).toBe(1000);
  });

  it('stamps the time of the call when not told one', () => {
    const before = Date.now();
    const { jobId } = batchIds(1);
    expect(mintedAtOf(jobId)).toBeGreaterThanOrEqual(before);
    expect(mintedAtOf(jobId)).toBeLessThanOrEqual(Date.now());
  });
});

describe('mintedAtOf', () => {
  it('reads the minting time back from a postback id and from its job id', () => {
    const { jobId, postbackIds } = batchIds(2, T);
    expect(postbackIds.map(mintedAtOf)).toEqual([T, T]);
    expect(mintedAtOf(jobId)).toBe(T);
    expect(mintedAtOf(postbackIds[0]!.toUpperCase())).toBe(T);
  });

  it('answers null for the random v4 ids of earlier releases, and for anything not a v7 UUID', () => {
    expect(mintedAtOf(randomUUID())).toBeNull();
    expect(mintedAtOf('0190a5b2-3c4d-8e5f-8a6b-7c8d9e0f1a2b')).toBeNull();
    expect(mintedAtOf('not-a-uuid')).toBeNull();
  });
});

describe('bulkBatchIds', () => {
  it('makes the same ids for the same key, in the layout of batchIds, stamped with the staging time', () => {
    const first = bulkBatchIds(3, T, 'bulk-1:lines 1-3');
    expect(bulkBatchIds(3, T, 'bulk-1:lines 1-3')).toEqual(first);
    expect(first.postbackIds.map(mintedAtOf)).toEqual([T, T, T]);
    for (const id of first.postbackIds) expect(batchJobIdOf(id)).toBe(first.jobId);
    expect(endpointPostbackSchema.shape.postbackId.safeParse(first.jobId).success).toBe(true);
  });

  it('makes other ids for another key', () => {
    expect(bulkBatchIds(1, T, 'bulk-1:lines 4-6').jobId).not.toBe(bulkBatchIds(1, T, 'bulk-1:lines 1-3').jobId);
  });
});

describe('postbackJobSchema', () => {
  const fields = { postbackId: batchIds(1, T).postbackIds[0]!, scope: { kind: 'global', advertiserId: 1, offerId: null }, transactionId: 't', reason: 'r', seq: 5, receivedAt: T };

  it('reads a postback of a rejection URL and a bulk row, in either version', () => {
    const url = { ...fields, endpointId: 3 };
    const bulk = { ...fields, bulkId: randomUUID() };
    expect(postbackJobSchema.parse({ v: 2, postbacks: [url, bulk] })).toEqual({ v: 2, postbacks: [url, bulk] });
    expect(postbackJobSchema.parse({ v: 1, ...bulk })).toEqual({ v: 1, ...bulk });
    expect(postbackJobSchema.parse({ v: 1, ...url })).toEqual({ v: 1, ...url });
  });

  it('refuses a postback with neither source', () => {
    expect(postbackJobSchema.safeParse({ v: 1, ...fields }).success).toBe(false);
    expect(postbackJobSchema.safeParse({ v: 2, postbacks: [fields] }).success).toBe(false);
  });

  it('reads a job a replay marked, of either version, and the postbacks it carries without the mark', () => {
    const url = { ...fields, endpointId: 3 };
    const v2 = postbackJobSchema.parse(markReplayed({ v: 2, postbacks: [url] }));
    expect(v2).toEqual({ v: 2, postbacks: [url], replayed: true });
    const v1 = postbackJobSchema.parse(markReplayed({ v: 1, ...url }));
    expect(v1.replayed).toBe(true);
    expect(postbacksOf(v1)).toEqual([url]);
    expect(postbackJobSchema.parse({ v: 1, ...url }).replayed).toBeUndefined();
  });

  it('puts an unreadable payload back as it was', () => {
    for (const data of [null, 'text', [1, 2]]) expect(markReplayed(data)).toBe(data);
  });
});
