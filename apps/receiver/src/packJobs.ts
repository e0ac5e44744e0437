import { batchIds, POSTBACKS_PER_JOB, type EndpointPostback, type PostbackJob } from '@postback/core';

/** A postback before it is admitted, given its id and its receipt sequence number. */
export type IncomingPostback = Omit<EndpointPostback, 'seq' | 'postbackId'>;

/** One v: 2 job, ready to be added under `jobId` on `shard`. */
export interface PackedJob {
  jobId: string;
  /** The shard every one of its postbacks belongs to. */
  shard: string;
  data: Extract<PostbackJob, { v: 2 }>;
}

export interface PackedTurn {
  jobs: PackedJob[];
  /** The id given to each admitted postback, in the order they were handed in. */
  postbackIds: string[];
  /** For each admitted postback, in the order they were handed in, the index in `jobs` of the job carrying it. */
  jobOf: number[];
}

/**
 * Packs the admitted postbacks of one event-loop turn into v: 2 jobs: one per shard that received postbacks (split
 * into jobs of at most POSTBACKS_PER_JOB), each keeping arrival order. The admission handed the turn consecutive
 * receipt sequence numbers from `firstSeq` in arrival order; each postback keeps its own, whatever job it lands in.
 * Each job's id and its postbacks' ids come from `newIds` (batchIds: a postback id leads to its job).
 */
export function packJobs(
  admitted: readonly IncomingPostback[],
  firstSeq: number,
  shardOf: (transactionId: string) => string,
  newIds: (count: number) => { jobId: string; postbackIds: string[] } = batchIds,
): PackedTurn {
  const byShard = new Map<string, number[]>();
  for (let i = 0; i < admitted.length; i += 1) {
    const shard = shardOf(admitted[i]!.transactionId);
    const group = byShard.get(shard);
    if (group) group.push(i);
    else byShard.set(shard, [i]);
  }
  const jobs: PackedJob[] = [];
  const postbackIds: string[] = new Array(admitted.length);
  const jobOf: number[] = new Array(admitted.length);
  for (const [shard, indexes] of byShard) {
    for (let start = 0; start < indexes.length; start += POSTBACKS_PER_JOB) {
      const group = indexes.slice(start, start + POSTBACKS_PER_JOB);
      const ids = newIds(group.length);
      group.forEach((at, j) => {
        postbackIds[at] = ids.postbackIds[j]!;
        jobOf[at] = jobs.length;
      });
      jobs.push({
        jobId: ids.jobId,
        shard,
        data: {
          v: 2,
          // Spelled out rather than spread: a fixed-shape literal is measurably cheaper per postback.
          postbacks: group.map((at, j) => {
            const postback = admitted[at]!;
            return {
              postbackId: ids.postbackIds[j]!,
              endpointId: postback.endpointId,
              scope: postback.scope,
              transactionId: postback.transactionId,
              reason: postback.reason,
              seq: firstSeq + at,
              receivedAt: postback.receivedAt,
            };
          }),
        },
      });
    }
  }
  return { jobs, postbackIds, jobOf };
}
