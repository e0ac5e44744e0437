import { describe, expect, it } from 'vitest';
import { batchJobIdOf, POSTBACKS_PER_JOB, postbackJobSchema } from '@postback/core';
import { packJobs, type IncomingPostback } from './packJobs.js';

const incoming = (i: number): IncomingPostback => ({
  endpointId: 1 + (i % 3),
  scope: i % 2 === 0 ? { kind: 'global', advertiserId: 10, offerId: null } : { kind: 'offer', advertiserId: 10, offerId: 100 },
  transactionId: `tx-${i}`,
  reason: 'bot_traffic',
  receivedAt: 1_700_000_000_000 + i,
});
const turnOf = (count: number) => Array.from({ length: count }, (_, i) => incoming(i));

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
    const { jobs, postbackIds } = packJobs(turnOf(2), 5000, countingIds());
    expect(jobs).toEqual([
      {
        jobId: '00000001-0000-4000-8000-000000000000',
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
  });

  it(`splits a turn into jobs of at most ${POSTBACKS_PER_JOB} postbacks, keeping arrival order and consecutive sequence numbers`, () => {
    const turn = turnOf(2 * POSTBACKS_PER_JOB + 1);
    const { jobs, postbackIds } = packJobs(turn, 1, countingIds());
    expect(jobs.map((job) => job.data.postbacks.length)).toEqual([POSTBACKS_PER_JOB, POSTBACKS_PER_JOB, 1]);
    const packed = jobs.flatMap((job) => job.data.postbacks);
    expect(packed.map((p) => p.transactionId)).toEqual(turn.map((p) => p.transactionId));
    expect(packed.map((p) => p.seq)).toEqual(turn.map((_, i) => 1 + i));
    expect(packed.map((p) => p.postbackId)).toEqual(postbackIds);
  });

  it('gives each postback an id that leads to the job carrying it (batchIds)', () => {
    const { jobs } = packJobs(turnOf(POSTBACKS_PER_JOB + 3), 1);
    expect(new Set(jobs.map((job) => job.jobId)).size).toBe(2);
    for (const job of jobs) {
      for (const postback of job.data.postbacks) expect(batchJobIdOf(postback.postbackId)).toBe(job.jobId);
    }
  });

  it('packs jobs the worker reads (the v: 2 job contract)', () => {
    for (const job of packJobs(turnOf(3), 42).jobs) expect(postbackJobSchema.safeParse(job.data).success).toBe(true);
  });

  it('packs nothing for a turn with nothing admitted', () => {
    expect(packJobs([], 1, countingIds())).toEqual({ jobs: [], postbackIds: [] });
  });
});
