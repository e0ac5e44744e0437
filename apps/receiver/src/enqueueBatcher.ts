import type { JobsOptions } from 'bullmq';
import { POSTBACK_JOB_NAME, TransientStoreError, type PostbackJob, type PostbackQueue } from '@postback/core';
import type { Admission } from './admission.js';

type Unsequenced = Omit<PostbackJob, 'seq'>;

export type EnqueueVerdict = { stored: true } | { stored: false; retryAfterSeconds: number };

interface Pending {
  job: Unsequenced;
  resolve: (verdict: EnqueueVerdict) => void;
  reject: (err: Error) => void;
}

// BullMQ's addBulk slows down sharply above about a thousand jobs per call (bullmq#1670).
const MAX_JOBS_PER_ADD = 1000;

/**
 * Collects the postbacks of every request that arrives in one event-loop turn and stores them with two Redis
 * round trips in all: one admission call (rate limits and receipt sequence numbers) and one addBulk. A promise
 * resolves with `stored: true` only once Redis has acknowledged its job; a rate-limited one is not stored.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: PostbackQueue,
    private readonly admission: Admission,
    private readonly jobOptions: (postbackId: string) => JobsOptions,
  ) {}

  enqueue(job: Unsequenced): Promise<EnqueueVerdict> {
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
    for (let i = 0; i < taken.length; i += MAX_JOBS_PER_ADD) {
      const store = this.store(taken.slice(i, i + MAX_JOBS_PER_ADD));
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
      if (admitted.length > 0) {
        await this.queue.addBulk(
          admitted.map(({ job }, i) => ({
            name: POSTBACK_JOB_NAME,
            data: { ...job, seq: firstSeq + i },
            opts: this.jobOptions(job.postbackId),
          })),
        );
      }
    } catch (err) {
      const failure = new TransientStoreError('the postback queue is unavailable', { cause: err });
      for (const p of admitted.length > 0 ? admitted : batch) p.reject(failure);
      return;
    }
    for (const p of admitted) p.resolve({ stored: true });
  }
}
