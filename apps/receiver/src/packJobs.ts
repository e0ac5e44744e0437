import { batchIds, POSTBACKS_PER_JOB, type Postback, type PostbackJob } from '@postback/core';

/** A postback before it is admitted, given its id and its receipt sequence number. */
export type IncomingPostback = Omit<Postback, 'seq' | 'postbackId'>;

/** One v: 2 job, ready to be added under `jobId`. */
export interface PackedJob {
  jobId: string;
  data: Extract<PostbackJob, { v: 2 }>;
}

export interface PackedTurn {
  jobs: PackedJob[];
  /** The id given to each admitted postback, in the order they were handed in. */
  postbackIds: string[];
}

/**
 * Packs the admitted postbacks of one event-loop turn, in arrival order, into v: 2 jobs of at most
 * POSTBACKS_PER_JOB postbacks each. The admission handed the turn consecutive receipt sequence numbers from
 * `firstSeq` in that same order; each job's id and its postbacks' ids come from `newIds` (batchIds: a postback
 * id leads to its job).
 */
export function packJobs(
  admitted: readonly IncomingPostback[],
  firstSeq: number,
  newIds: (count: number) => { jobId: string; postbackIds: string[] } = batchIds,
): PackedTurn {
  const jobs: PackedJob[] = [];
  const postbackIds: string[] = [];
  for (let i = 0; i < admitted.length; i += POSTBACKS_PER_JOB) {
    const group = admitted.slice(i, i + POSTBACKS_PER_JOB);
    const ids = newIds(group.length);
    postbackIds.push(...ids.postbackIds);
    jobs.push({
      jobId: ids.jobId,
      data: {
        v: 2,
        // Spelled out rather than spread: a fixed-shape literal is measurably cheaper per postback.
        postbacks: group.map((postback, j) => ({
          postbackId: ids.postbackIds[j]!,
          endpointId: postback.endpointId,
          scope: postback.scope,
          transactionId: postback.transactionId,
          reason: postback.reason,
          seq: firstSeq + i + j,
          receivedAt: postback.receivedAt,
        })),
      },
    });
  }
  return { jobs, postbackIds };
}
