import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The limits the public route enforces; the database columns are sized to match. */
export const TRANSACTION_ID_MAX = 128;
export const REASON_MAX = 255;

/** Which conversions a rejection URL may touch: an offer-level URL names its offer, a global one does not. */
export const scopeSchema = z.object({
  advertiserId: z.number().int().positive(),
  offerId: z.number().int().positive().nullable(),
});
export type Scope = z.infer<typeof scopeSchema>;

/** At most this many postbacks per v: 2 job (the ids of batchIds() leave room for 65,535). */
export const POSTBACKS_PER_JOB = 500;

/** One accepted postback, as the receiver hands it to the worker. */
export const postbackSchema = z.object({
  postbackId: z.uuid(),
  endpointId: z.number().int().positive(),
  scope: scopeSchema,
  transactionId: z.string().min(1).max(TRANSACTION_ID_MAX),
  reason: z.string().min(1).max(REASON_MAX),
  /** Order of receipt across every receiver, assigned by Redis: the higher one was received later. */
  seq: z.number().int().positive(),
  /** Epoch milliseconds at the receiver. */
  receivedAt: z.number().int().positive(),
});
export type Postback = z.infer<typeof postbackSchema>;

/**
 * The contract between receiver and worker: the data of one job. Versioned so that jobs still in Redis during
 * a deploy stay readable.
 * - v: 1 carries one postback (the worker splits a failing postback out of a batch into one of these).
 * - v: 2 carries the postbacks a receiver accepted together: one job per batch keeps the queue's per-job cost
 *   (Redis commands, memory, worker bookkeeping) off each postback.
 */
export const postbackJobSchema = z.discriminatedUnion('v', [
  postbackSchema.extend({ v: z.literal(1) }),
  z.object({ v: z.literal(2), postbacks: z.array(postbackSchema).min(1).max(POSTBACKS_PER_JOB) }),
]);
export type PostbackJob = z.infer<typeof postbackJobSchema>;

/** The postbacks a job carries, whatever its version. */
export function postbacksOf(job: PostbackJob): Postback[] {
  if (job.v === 2) return job.postbacks;
  const { v: _v, ...postback } = job;
  return [postback];
}

/**
 * Ids for the postbacks of one v: 2 job: a random UUID whose last four hex digits count 1, 2, 3… The job's own
 * id is the same UUID ending in 0000, so a postback id leads to its job without any index.
 */
export function batchIds(count: number): { jobId: string; postbackIds: string[] } {
  const stem = randomUUID().slice(0, 32);
  return {
    jobId: `${stem}0000`,
    postbackIds: Array.from({ length: count }, (_, i) => stem + (i + 1).toString(16).padStart(4, '0')),
  };
}

/** The id of the v: 2 job a postback id was handed out in (see batchIds). */
export function batchJobIdOf(postbackId: string): string {
  return `${postbackId.slice(0, 32)}0000`;
}

/** The name every postback job carries. */
export const POSTBACK_JOB_NAME = 'rejection';
export const DEAD_LETTER_JOB_NAME = 'dead';

/** What the dead-letter queue keeps about a job that could not be applied. */
export interface DeadLetterData {
  /** The job's data as it was queued (a PostbackJob, unless it was unreadable). */
  job: unknown;
  failedReason: string;
  /** One entry per failed attempt, oldest first. */
  errors: string[];
  attemptsMade: number;
  deadLetteredAt: number;
  /** See deadLetterKindOf; absent on jobs dead-lettered by the sweep or before the field existed. */
  errorKind?: string;
}
