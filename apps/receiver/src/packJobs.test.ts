import { describe, expect, it } from 'vitest';
import { batchJobIdOf, POSTBACKS_PER_JOB, postbackJobSchema, shardOfTransaction } from '@postback/core';
import { packJobs, type IncomingPostback } from './packJobs.js';

const incoming = (i: number): IncomingPostback => ({
  endpointId: 1 + (i % 3),
  scope: i % 2 === 0 ? { kind: 'global', advertiserId: 10, offerId: null } : { kind: 'offer', advertiserId: 10, offerId: 100 },
  transactionId: `tx-${i}`,
  reason: 'bot_traffic',
  receivedAt: 1_700_000_000_000 + i,
});
const turnOf = (count: number) => Array.from({ length: count }, (_, i) => incoming(i));
const oneShard = () => '{postback}';
// Shards by the transaction id's hash, as the catalog does for QUEUE_SHARDS=3.
const threeShards = (transactionId: string) => `{postback-${shardOfTransaction(transactionId, 3)}}`;

// Predictable ids in batchIds' format: job n is 0000000n-…-…0000, its postbacks …0001, …0002, …
function countingIds() {
  let job = 0;
  return (count: number) => {
    job += 1;
    const stem = `${job.toString(16).padStart(8, '0')}-0000-4000-8000-00000000`;
    return {
      jobId: `${stem}0000`,
      postbackIds: Array.from({ length: count }, (_, i) => stem + (i + 1).toString(16).padStart(4, '0')),
    };
  };
}

describe('packJobs', () => {
  it('packs a turn into one v: 2 job, each postback with its id, its fields and the next sequence number', () => {
    const { jobs, postbackIds, jobOf } = packJobs(turnOf(2), 5000, oneShard, countingIds());
    expect(jobs).toEqual([
      {
        jobId: '00000001-0000-4000-8000-000000000000',
        shard: '{postback}',
        data: {
          v: 2,
          postbacks: [
            { postbackId: '00000001-0000-4000-8000-000000000001', seq: 5000, ...incoming(0) },
            { postbackId: '00000001-0000-4000-8000-000000000002', seq: 5001, ...incoming(1) },
          ],
        },
      },
    ]);
    expect(postbackIds).toEqual(['00000001-0000-4000-8000-000000000001', '00000001-0000-4000-8000-000000000002']);
    expect(jobOf).toEqual([0, 0]);
  });

  it(`splits a turn into jobs of at most ${POSTBACKS_PER_JOB} postbacks, keeping arrival order and consecutive sequence numbers`, () => {
    const turn = turnOf(2 * POSTBACKS_PER_JOB + 1);
    const { jobs, postbackIds } = packJobs(turn, 1, oneShard, countingIds());
    expect(jobs.map((job) => job.data.postbacks.length)).toEqual([POSTBACKS_PER_JOB, POSTBACKS_PER_JOB, 1]);
    const packed = jobs.flatMap((job) => job.data.postbacks);
    expect(packed.map((p) => p.transactionId)).toEqual(turn.map((p) => p.transactionId));
    expect(packed.map((p) => p.seq)).toEqual(turn.map((_, i) => 1 + i));
    expect(packed.map((p) => p.postbackId)).toEqual(postbackIds);
  });

  it('gives each postback an id that leads to the job carrying it (batchIds)', () => {
    const { jobs } = packJobs(turnOf(POSTBACKS_PER_JOB + 3), 1, oneShard);
    expect(new Set(jobs.map((job) => job.jobId)).size).toBe(2);
    for (const job of jobs) {
      for (const postback of job.data.postbacks) expect(batchJobIdOf(postback.postbackId)).toBe(job.jobId);
    }
  });

  it('packs jobs the worker reads (the v: 2 job contract)', () => {
    for (const job of packJobs(turnOf(3), 42, threeShards).jobs) expect(postbackJobSchema.safeParse(job.data).success).toBe(true);
  });

  it('packs nothing for a turn with nothing admitted', () => {
    expect(packJobs([], 1, oneShard, countingIds())).toEqual({ jobs: [], postbackIds: [], jobOf: [] });
  });

  it('packs one job per shard that received postbacks, each holding only postbacks of its shard', () => {
    const turn = turnOf(30);
    const { jobs } = packJobs(turn, 1, threeShards, countingIds());
    const shardsHit = new Set(turn.map((p) => threeShards(p.transactionId)));
    expect(shardsHit.size).toBe(3);
    expect(jobs.map((job) => job.shard).sort()).toEqual([...shardsHit].sort());
    for (const job of jobs) {
      for (const postback of job.data.postbacks) expect(threeShards(postback.transactionId)).toBe(job.shard);
    }
  });

  it('keeps every postback of one transaction in one job, however the turn interleaves them', () => {
    const turn = [0, 1, 2, 3, 4, 5].map((i) => ({ ...incoming(i), transactionId: i % 2 === 0 ? 'tx-even' : 'tx-odd' }));
    const { jobs } = packJobs(turn, 1, threeShards, countingIds());
    for (const tx of ['tx-even', 'tx-odd']) {
      expect(jobs.filter((job) => job.data.postbacks.some((p) => p.transactionId === tx))).toHaveLength(1);
    }
  });

  it('gives each postback the sequence number of its place in the turn, and says which job holds it', () => {
    const turn = turnOf(40);
    const { jobs, postbackIds, jobOf } = packJobs(turn, 1000, threeShards, countingIds());
    turn.forEach((incomingPostback, i) => {
      const job = jobs[jobOf[i]!]!;
      const packed = job.data.postbacks.find((p) => p.postbackId === postbackIds[i]);
      expect(packed).toEqual({ ...incomingPostback, postbackId: postbackIds[i], seq: 1000 + i });
    });
    // Within each job, arrival order (and so receipt order) is kept.
    for (const job of jobs) {
      const seqs = job.data.postbacks.map((p) => p.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it(`splits a shard's share of a large turn into jobs of at most ${POSTBACKS_PER_JOB}`, () => {
    const turn = Array.from({ length: 2 * POSTBACKS_PER_JOB + 10 }, (_, i) => incoming(i));
    const { jobs } = packJobs(turn, 1, threeShards, countingIds());
    for (const job of jobs) expect(job.data.postbacks.length).toBeLessThanOrEqual(POSTBACKS_PER_JOB);
    const perShard = new Map<string, number>();
    for (const p of turn) perShard.set(threeShards(p.transactionId), (perShard.get(threeShards(p.transactionId)) ?? 0) + 1);
    for (const [shard, count] of perShard) {
      expect(jobs.filter((job) => job.shard === shard)).toHaveLength(Math.ceil(count / POSTBACKS_PER_JOB));
    }
  });
});
