import { z } from 'zod';

/** The limits the public endpoint enforces; the database columns are sized to match. */
export const TRANSACTION_ID_MAX = 128;
export const REASON_MAX = 255;

/** Which conversions a rejection URL may touch: an offer-level URL names its offer, a global one does not. */
export const scopeSchema = z.object({
  advertiserId: z.number().int().positive(),
  offerId: z.number().int().positive().nullable(),
});
export type Scope = z.infer<typeof scopeSchema>;

/**
 * The contract between receiver and worker: the data of one queued postback. Versioned so that jobs still in
 * Redis during a deploy stay readable; a new shape becomes v: 2 and the worker reads both.
 */
export const postbackJobSchema = z.object({
  v: z.literal(1),
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
export type PostbackJob = z.infer<typeof postbackJobSchema>;

/** The name every postback job carries; short because it is stored with each job. */
export const POSTBACK_JOB_NAME = 'rejection';
export const DEAD_LETTER_JOB_NAME = 'dead';

/** What the dead-letter queue keeps about a postback that could not be applied. */
export interface DeadLetterData {
  postback: unknown;
  failedReason: string;
  /** One entry per failed attempt, oldest first. */
  errors: string[];
  attemptsMade: number;
  deadLetteredAt: number;
}
