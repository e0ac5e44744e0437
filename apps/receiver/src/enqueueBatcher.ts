import type { JobsOptions } from 'bullmq';
import {
  POSTBACK_JOB_NAME,
  ReplicationTimeoutError,
  TransientStoreError,
  waitForReplicas,
  writeTarget,
  type PostbackQueue,
  type Replication,
  type WriteTarget,
} from '@postback/core';
import { admitInArrivalOrder, countByEndpoint } from './admitInArrivalOrder.js';
import type { Admission, AdmissionResult } from './admission.js';
import type { ReceiverMetrics } from './metrics.js';
import { packJobs, type IncomingPostback, type PackedJob } from './packJobs.js';

export type { IncomingPostback } from './packJobs.js';

export type EnqueueVerdict = { stored: true; postbackId: string } | { stored: false; retryAfterSeconds: number };

interface Pending {
  postback: IncomingPostback;
  resolve: (verdict: EnqueueVerdict) => void;
  reject: (err: Error) => void;
}

// Requests admitted per admission call: bounds the script's argument list.
const MAX_PER_ADMISSION = 2000;

/**
 * Admits and stores the postbacks of every request that arrives in one event-loop turn, with two Redis round
 * trips in all: one admission call (rate limits and receipt sequence numbers) and one add of v: 2 jobs carrying
 * up to POSTBACKS_PER_JOB postbacks each. A promise resolves with `stored: true` only once Redis has acknowledged
 * the job holding its postback (and, with `replication`, once that many replicas confirm the turn's writes, with
 * one WAIT per node that took them, never per request); a rate-limited one is not stored.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: PostbackQueue,
    private readonly admission: Admission,
    private readonly jobOptions: (jobId: string) => JobsOptions,
    private readonly metrics?: Pick<ReceiverMetrics, 'jobStored' | 'replicasAwaited'>,
    /** The connection the admission and the jobs are written over, and how many replicas must confirm them. */
    private readonly replication?: Replication,
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

  /** admit (Redis) → decide who is in (pure) → pack into jobs (pure) → enqueue (Redis) → replicas confirm → ack. */
  private async storeTurn(turn: Pending[]): Promise<void> {
    // Taken before the writes: the WAIT after them must reach the connections that took them (see waitForReplicas).
    const targets = this.replicationTargets();
    let allowances: AdmissionResult;
    try {
      allowances = await this.admission.admit(countByEndpoint(turn));
    } catch (err) {
      return rejectAll(turn, err);
    }
    const { admitted, refused } = admitInArrivalOrder(turn, allowances.byEndpoint);
    for (const { request, retryAfterSeconds } of refused) request.resolve({ stored: false, retryAfterSeconds });
    if (admitted.length === 0) return;

    const { jobs, postbackIds } = packJobs(admitted.map((p) => p.postback), allowances.firstSeq);
    try {
      await this.enqueue(jobs);
      if (targets) await this.awaitReplicas(targets);
    } catch (err) {
      return rejectAll(admitted, err);
    }
    if (this.metrics) for (const job of jobs) this.metrics.jobStored(job.data.postbacks.length);
    admitted.forEach((p, i) => p.resolve({ stored: true, postbackId: postbackIds[i]! }));
  }

  /**
   * The receipt sequence's slot and the jobs' slot: the same connection on a standalone or Sentinel Redis (one
   * WAIT then covers both); on a Cluster their nodes may differ, and the sequence must not go backwards after a
   * failover any more than a job may vanish.
   */
  private replicationTargets(): WriteTarget[] | undefined {
    if (!this.replication || this.replication.policy.replicas === 0) return undefined;
    const { connection } = this.replication;
    return [writeTarget(connection, this.admission.seqKey), writeTarget(connection, this.queue.toKey('id'))];
  }

  private async awaitReplicas(targets: WriteTarget[]): Promise<void> {
    const { replicas, timeoutMs } = this.replication!.policy;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      await waitForReplicas(targets, replicas, timeoutMs);
      this.metrics?.replicasAwaited(seconds(), true);
    } catch (err) {
      // A connection error is the queue being unavailable, counted as such; only a shortfall is a replication timeout.
      if (err instanceof ReplicationTimeoutError) this.metrics?.replicasAwaited(seconds(), false);
      throw err;
    }
  }

  private async enqueue(jobs: PackedJob[]): Promise<void> {
    // add() for the usual single job: addBulk() builds an ioredis pipeline, which copies every script BullMQ
    // defines onto itself, costing more than the add.
    if (jobs.length === 1) {
      await this.queue.add(POSTBACK_JOB_NAME, jobs[0]!.data, this.jobOptions(jobs[0]!.jobId));
      return;
    }
    await this.queue.addBulk(jobs.map(({ jobId, data }) => ({ name: POSTBACK_JOB_NAME, data, opts: this.jobOptions(jobId) })));
  }
}

function rejectAll(requests: Pending[], err: unknown): void {
  const failure = new TransientStoreError('the postback queue is unavailable', { cause: err });
  for (const p of requests) p.reject(failure);
}
