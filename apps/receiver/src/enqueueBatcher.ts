import { TransientStoreError, type PostbackShards } from '@postback/core';
import { admitInArrivalOrder, countByEndpoint } from './admitInArrivalOrder.js';
import type { Admission, AdmissionResult } from './admission.js';
import type { ReceiverMetrics } from './metrics.js';
import { packJobs, type IncomingPostback } from './packJobs.js';

export type { IncomingPostback } from './packJobs.js';

export type EnqueueVerdict = { stored: true; postbackId: string } | { stored: false; retryAfterSeconds: number };

interface Pending {
  postback: IncomingPostback;
  resolve: (verdict: EnqueueVerdict) => void;
  reject: (err: Error) => void;
}

// Requests admitted per admission call: bounds the script's argument list.
const MAX_PER_ADMISSION = 2000;

/** Where the batcher stores its jobs: the postback shards (their store is every postback's one way into Redis). */
export type JobStore = Pick<PostbackShards, 'shardOf' | 'store' | 'confirmTarget'>;

/**
 * Admits and stores the postbacks of every request that arrives in one event-loop turn, with one admission call
 * (rate limits and receipt sequence numbers, in the control slot) and then one add per shard that received
 * postbacks, the shards concurrently: v: 2 jobs carrying up to POSTBACKS_PER_JOB postbacks each. A promise resolves
 * with `stored: true` only once Redis has acknowledged the job holding its postback (and, with ACK_REPLICAS, once
 * that many replicas confirm it and the turn's admission: one WAIT per shard, never per request); a rate-limited one is not
 * stored, and one whose shard could not take its job gets a TransientStoreError (503) while other shards' succeed.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly jobs: JobStore,
    private readonly admission: Admission,
    private readonly metrics?: Pick<ReceiverMetrics, 'jobStored'>,
  ) {}

  /** Admits the postback under its endpoint's rate limit and stores it, together with the rest of this turn. */
  admitAndEnqueue(postback: IncomingPostback): Promise<EnqueueVerdict> {
    return new Promise<EnqueueVerdict>((resolve, reject) => {
      this.pending.push({ postback, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every postback handed to admitAndEnqueue() so far is stored or refused. */
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
      const stored = this.storeTurn(taken.slice(i, i + MAX_PER_ADMISSION));
      this.inFlight.add(stored);
      void stored.finally(() => this.inFlight.delete(stored));
    }
  }

  /** admit (Redis) → decide who is in (pure) → pack into one job per shard (pure) → store, replicas confirm → ack. */
  private async storeTurn(turn: Pending[]): Promise<void> {
    // Taken before the admission writes the receipt sequence: the WAIT after the store must cover that write too.
    const admissionTarget = this.jobs.confirmTarget(this.admission.seqKey);
    let allowances: AdmissionResult;
    try {
      allowances = await this.admission.admit(countByEndpoint(turn));
    } catch (err) {
      return rejectAll(turn, err);
    }
    const { admitted, refused } = admitInArrivalOrder(turn, allowances.byEndpoint);
    for (const { request, retryAfterSeconds } of refused) request.resolve({ stored: false, retryAfterSeconds });
    if (admitted.length === 0) return;

    const { jobs, postbackIds, jobOf } = packJobs(admitted.map((p) => p.postback), allowances.firstSeq, this.jobs.shardOf);
    // Each job goes to the shard of its postbacks' transactions: store() picks it (the same one packJobs grouped by).
    const fates = await this.jobs.store(jobs, admissionTarget ? [admissionTarget] : []);
    const failures = fates.map((fate) => (fate.status === 'rejected' ? unavailable(fate.reason) : undefined));
    jobs.forEach((job, j) => {
      if (!failures[j]) this.metrics?.jobStored(job.data.postbacks.length);
    });
    admitted.forEach((p, i) => {
      const failure = failures[jobOf[i]!];
      if (failure) p.reject(failure);
      else p.resolve({ stored: true, postbackId: postbackIds[i]! });
    });
  }
}

function unavailable(err: unknown): TransientStoreError {
  return new TransientStoreError('the postback queue is unavailable', { cause: err });
}

function rejectAll(requests: Pending[], err: unknown): void {
  const failure = unavailable(err);
  for (const p of requests) p.reject(failure);
}
