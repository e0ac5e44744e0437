import type { JobsOptions } from 'bullmq';
import {
  POSTBACK_JOB_NAME,
  TransientStoreError,
  type PostbackJob,
  type PostbackQueue,
  type ReceiptSequence,
} from '@postback/core';

type Unsequenced = Omit<PostbackJob, 'seq'>;

interface Pending {
  job: Unsequenced;
  resolve: () => void;
  reject: (err: Error) => void;
}

// BullMQ's addBulk slows down sharply above about a thousand jobs per call (bullmq#1670).
const MAX_JOBS_PER_ADD = 1000;

/**
 * Collects the postbacks of every request that arrives in one event-loop turn and stores them with one
 * sequence allocation and one addBulk: one Redis round trip for all of them instead of one per request.
 * A promise resolves only once Redis has acknowledged its job.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: PostbackQueue,
    private readonly sequence: ReceiptSequence,
    private readonly jobOptions: (postbackId: string) => JobsOptions,
  ) {}

  enqueue(job: Unsequenced): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
    try {
      const firstSeq = await this.sequence.allocate(batch.length);
      await this.queue.addBulk(
        batch.map(({ job }, i) => ({
          name: POSTBACK_JOB_NAME,
          data: { ...job, seq: firstSeq + i },
          opts: this.jobOptions(job.postbackId),
        })),
      );
    } catch (err) {
      const failure = new TransientStoreError('the postback queue is unavailable', { cause: err });
      for (const p of batch) p.reject(failure);
      return;
    }
    for (const p of batch) p.resolve();
  }
}
