import { bulkBatchIds, POSTBACKS_PER_JOB, type BulkPostback, type JobToStore, type Scope } from '@postback/core';

/** A staged valid row, as it is queued. */
export interface RowToQueue {
  line: number;
  transactionId: string;
  reason: string;
}

/** What every postback of one upload shares. */
export interface UploadToQueue {
  id: string;
  scope: Scope;
  /** The receipt sequence number of line 1 (see stageUpload). */
  firstSeq: number;
}

/**
 * A chunk of an upload's rows (in line order) as v: 2 jobs: per shard, in jobs of at most POSTBACKS_PER_JOB,
 * as the receiver packs a turn. Each row is a postback of its own with the receipt sequence number of its line, and
 * the chunk's time of queuing (epoch ms) as its receivedAt and the time in its id. The ids depend only on the upload,
 * the rows and that time (see bulkBatchIds): the same chunk queued again at its recorded time after an interrupted
 * run makes the same jobs, which BullMQ and the worker each take once.
 */
export function bulkJobsOf(
  upload: UploadToQueue,
  rows: readonly RowToQueue[],
  queuedAt: number,
  shardOf: (transactionId: string) => string,
): JobToStore[] {
  const byShard = new Map<string, RowToQueue[]>();
  for (const row of rows) {
    const shard = shardOf(row.transactionId);
    const group = byShard.get(shard);
    if (group) group.push(row);
    else byShard.set(shard, [row]);
  }
  const jobs: JobToStore[] = [];
  for (const group of byShard.values()) {
    for (let start = 0; start < group.length; start += POSTBACKS_PER_JOB) {
      const part = group.slice(start, start + POSTBACKS_PER_JOB);
      // The first line of a job names it: lines are unique within an upload.
      const ids = bulkBatchIds(part.length, queuedAt, `${upload.id}:${part[0]!.line}`);
      const postbacks: BulkPostback[] = part.map((row, i) => ({
        postbackId: ids.postbackIds[i]!,
        bulkId: upload.id,
        scope: upload.scope,
        transactionId: row.transactionId,
        reason: row.reason,
        seq: upload.firstSeq + row.line - 1,
        receivedAt: queuedAt,
      }));
      jobs.push({ jobId: ids.jobId, data: { v: 2, postbacks } });
    }
  }
  return jobs;
}
