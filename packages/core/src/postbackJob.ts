import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The limits the public route enforces; the database columns are sized to match. */
export const TRANSACTION_ID_MAX = 128;
export const REASON_MAX = 255;

const entityId = z.number().int().positive();

/**
 * Which conversions a rejection URL may touch, fixed when it is made: every offer of its advertiser (global), or
 * one offer. The kind is spelled out, so that an offer-level scope that lost its offer is refused, never read as
 * global; a global scope still carries offerId: null, so code that only asks for the offer need not narrow first.
 */
const explicitScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('global'), advertiserId: entityId, offerId: z.null() }),
  z.object({ kind: z.literal('offer'), advertiserId: entityId, offerId: entityId }),
]);

/** Reads jobs queued before the scope carried its kind (by a receiver of the previous release): offerId alone said it. */
function withKind(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'kind' in raw || !('offerId' in raw)) return raw;
  return { ...raw, kind: raw.offerId === null ? 'global' : 'offer' };
}

export const scopeSchema = z.preprocess(withKind, explicitScopeSchema);
export type Scope = z.infer<typeof explicitScopeSchema>;

export const globalScope = (advertiserId: number): Scope => ({ kind: 'global', advertiserId, offerId: null });
export const offerScope = (advertiserId: number, offerId: number): Scope => ({ kind: 'offer', advertiserId, offerId });

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

/** The postbacks in a job's data as Redis holds it (a queued job's, or a dead-letter entry's `job`), if it reads. */
export function postbacksInJobData(data: unknown): Postback[] | 'unreadable' {
  const parsed = postbackJobSchema.safeParse(data);
  return parsed.success ? postbacksOf(parsed.data) : 'unreadable';
}

/**
 * Ids for the postbacks of one v: 2 job, in the UUIDv7 layout (RFC 9562): 48 bits of Unix milliseconds at minting,
 * the version nibble 7, the variant bits 10, random bits, and last four hex digits that count 1, 2, 3… The job's own
 * id is the same UUID ending in 0000, so a postback id leads to its job without any index. The time in front puts
 * each new id at the right edge of an index on it, and tells a lookup which day's partition of postback_log to read
 * (mintedAtOf); ids minted in a later millisecond sort after earlier ones, as strings and as Postgres uuids.
 */
export function batchIds(count: number, now = Date.now()): { jobId: string; postbackIds: string[] } {
  const random = randomBytes(8).toString('hex');
  const time = now.toString(16).padStart(12, '0');
  // Variant 10: the first random nibble's top two bits (8, 9, a or b).
  const variant = ((parseInt(random[3]!, 16) & 0x3) | 0x8).toString(16);
  const stem = `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 15)}`;
  return {
    jobId: `${stem}0000`,
    postbackIds: Array.from({ length: count }, (_, i) => stem + (i + 1).toString(16).padStart(4, '0')),
  };
}

/** When a time-ordered postback id was minted (epoch ms), or null for an id of another version (the random v4 ids of earlier releases). */
export function mintedAtOf(postbackId: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(postbackId)) return null;
  return parseInt(postbackId.slice(0, 8) + postbackId.slice(9, 13), 16);
}

/** The id of the v: 2 job a postback id was handed out in (see batchIds). */
export function batchJobIdOf(postbackId: string): string {
  return `${postbackId.slice(0, 32)}0000`;
}

/** The name every postback job carries. */
export const POSTBACK_JOB_NAME = 'rejection';
