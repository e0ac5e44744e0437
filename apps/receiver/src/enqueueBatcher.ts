import type { JobsOptions } from 'bullmq';
import {
  batchIds,
  POSTBACK_JOB_NAME,
  POSTBACKS_PER_JOB,
  TransientStoreError,
  type Postback,
  type PostbackQueue,
} from '@postback/core';
import type { Admission } from './admission.js';
import type { ReceiverMetrics } from './metrics.js';

/** A postback before the batcher gives it its id and receipt sequence number. */
export type IncomingPostback = Omit<Postback, 'seq' | 'postbackId'>;

export type EnqueueVerdict = { stored: true; postbackId: string } | { stored: false; retryAfterSeconds: number };

interface Pending {
  job: IncomingPostback;
  resolve: (verdict: EnqueueVerdict) => void;
  reject: (err: Error) => void;
}

// Requests admitted per admission call: bounds the script's argument list.
const MAX_PER_ADMISSION = 2000;

/**
 * Collects the postbacks of every request that arrives in one event-loop turn and stores them with two Redis
 * round trips in all: one admission call (rate limits and receipt sequence numbers) and one addBulk of v: 2
 * jobs carrying up to POSTBACKS_PER_JOB postbacks each. A promise resolves with `stored: true` only once Redis
 * has acknowledged the job holding its postback; a rate-limited one is not stored.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: PostbackQueue,
    private readonly admission: Admission,
    private readonly jobOptions: (jobId: string) => JobsOptions,
    private readonly metrics?: Pick<ReceiverMetrics, 'jobStored'>,
  ) {}

  enqueue(job: IncomingPostback): Promise<EnqueueVerdict> {
    return new Promise<EnqueueVerdict>((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every postback handed to enqueue() so far is stored or refused. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight.size > 0) {
      if (this.pending.length > 0) this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private flush(): void {
    this.scheduled = false;
    const taken = this.pending;
    this.pending = [];
    for (let i = 0; i < taken.length; i += MAX_PER_ADMISSION) {
      const store = this.store(taken.slice(i, i + MAX_PER_ADMISSION));
      this.inFlight.add(store);
      void store.finally(() => this.inFlight.delete(store));
    }
  }

  private async store(batch: Pending[]): Promise<void> {
    const counts = new Map<number, number>();
    for (const { job } of batch) counts.set(job.endpointId, (counts.get(job.endpointId) ?? 0) + 1);
    const admitted: Pending[] = [];
    try {
      const { firstSeq, byEndpoint } = await this.admission.admit(counts);
      // Within a batch, requests are admitted in arrival order until their endpoint's allowance runs out.
      for (const p of batch) {
        const allowance = byEndpoint.get(p.job.endpointId)!;
        if (allowance.admitted > 0) {
          allowance.admitted -= 1;
          admitted.push(p);
        } else {
          p.resolve({ stored: false, retryAfterSeconds: Math.max(1, Math.ceil(allowance.resetMs / 1000)) });
        }
      }
      const ids: string[] = [];
      const jobs = [];
      for (let i = 0; i < admitted.length; i += POSTBACKS_PER_JOB) {
        const group = admitted.slice(i, i + POSTBACKS_PER_JOB);
        const { jobId, postbackIds } = batchIds(group.length);
        ids.push(...postbackIds);
        jobs.push({
          name: POSTBACK_JOB_NAME,
          data: {
            v: 2 as const,
            // Spelled out rather than spread: a fixed-shape literal is measurably cheaper per postback.
            postbacks: group.map(({ job }, j) => ({
              postbackId: postbackIds[j]!,
              endpointId: job.endpointId,
              scope: job.scope,
              transactionId: job.transactionId,
              reason: job.reason,
              seq: firstSeq + i + j,
              receivedAt: job.receivedAt,
            })),
          },
          opts: this.jobOptions(jobId),
        });
      }
      // add() for the usual single job: addBulk() builds an ioredis pipeline, which copies every script BullMQ
      // defines onto itself, costing more than the add.
      if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
      else if (jobs.length > 1) await this.queue.addBulk(jobs);
      if (this.metrics) for (const job of jobs) this.metrics.jobStored(job.data.postbacks.length);
      admitted.forEach((p, i) => p.resolve({ stored: true, postbackId: ids[i]! }));
      return;
    } catch (err) {
      const failure = new TransientStoreError('the postback queue is unavailable', { cause: err });
      for (const p of admitted.length > 0 ? admitted : batch) p.reject(failure);
    }
  }
}
