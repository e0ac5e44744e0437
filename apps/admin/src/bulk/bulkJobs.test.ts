import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { batchJobIdOf, globalScope, postbackJobSchema, postbacksOf, type PostbackJob } from '@postback/core';
import { bulkJobsOf, type RowToQueue } from './bulkJobs.js';

const upload = { id: randomUUID(), scope: globalScope(7), firstSeq: 1_000_000 };
const AT = Date.UTC(2026, 11, 1, 12);
const rows = (n: number, firstLine = 2): RowToQueue[] => Array.from({ length: n }, (_, i) => ({ line: firstLine + i, transactionId: `tx-${i}`, reason: 'fraud' }));
const twoShards = (tx: string) => (Number(tx.slice(3)) % 2 === 0 ? '{even}' : '{odd}');
const postbacksIn = (jobs: Array<{ data: PostbackJob }>) => jobs.flatMap((j) => postbacksOf(j.data));

describe('bulkJobsOf', () => {
  it('gives each row the receipt sequence number of its line and the time of queuing', () => {
    const [job] = bulkJobsOf(upload, [{ line: 2, transactionId: 'a', reason: 'r' }, { line: 9, transactionId: 'b', reason: 's' }], AT, () => '{one}');
    expect(postbacksOf(job!.data).map((p) => [p.seq, p.receivedAt, p.transactionId, p.reason])).toEqual([
      [1_000_001, AT, 'a', 'r'],
      [1_000_008, AT, 'b', 's'],
    ]);
    expect(postbackJobSchema.safeParse(job!.data).success).toBe(true);
  });

  it('puts each shard\'s rows in jobs of their own, at most 500 postbacks each, in line order', () => {
    const jobs = bulkJobsOf(upload, rows(1203), AT, twoShards);
    expect(jobs.map((j) => postbacksOf(j.data).length)).toEqual([500, 102, 500, 101]);
    for (const job of jobs) {
      const shards = new Set(postbacksOf(job.data).map((p) => twoShards(p.transactionId)));
      expect(shards.size).toBe(1);
      for (const p of postbacksOf(job.data)) expect(batchJobIdOf(p.postbackId)).toBe(job.jobId);
    }
    expect(postbacksIn(jobs)).toHaveLength(1203);
  });

  it('makes the same ids when the same chunk is queued again at its recorded time, and other ids for another chunk', () => {
    const again = bulkJobsOf(upload, rows(600), AT, twoShards);
    expect(bulkJobsOf(upload, rows(600), AT, twoShards)).toEqual(again);
    const next = bulkJobsOf(upload, rows(600, 602), AT, twoShards);
    const ids = new Set(postbacksIn(again).map((p) => p.postbackId));
    expect(postbacksIn(next).filter((p) => ids.has(p.postbackId))).toEqual([]);
  });
});
