import { createHash, randomBytes } from 'node:crypto';
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

const postbackFields = {
  postbackId: z.uuid(),
  scope: scopeSchema,
  transactionId: z.string().min(1).max(TRANSACTION_ID_MAX),
  reason: z.string().min(1).max(REASON_MAX),
  /** Order of receipt across every receiver, assigned by Redis: the higher one was received later. */
  seq: z.number().int().positive(),
  /** Epoch milliseconds at the receiver (for a bulk row: when the admin queued it). */
  receivedAt: z.number().int().positive(),
};

/** A postback a rejection URL received: its endpoint says where it came from (and whose key may be revoked). */
export const endpointPostbackSchema = z.object({ ...postbackFields, endpointId: entityId });
export type EndpointPostback = z.infer<typeof endpointPostbackSchema>;

/**
 * A row of a bulk rejection upload (apps/admin/src/bulk/): no rejection URL and no key, so no revocation applies; the
 * bulk job it belongs to says who uploaded it and under which scope.
 */
export const bulkPostbackSchema = z.object({ ...postbackFields, bulkId: z.uuid() });
export type BulkPostback = z.infer<typeof bulkPostbackSchema>;

/**
 * One accepted postback, as the receiver (or a bulk upload) hands it to the worker. A job queued before bulk
 * uploads existed carries endpoint postbacks only, which still read.
 */
export const postbackSchema = z.union([endpointPostbackSchema, bulkPostbackSchema]);
export type Postback = z.infer<typeof postbackSchema>;

/** The rejection URL a postback came through, or null for a bulk row. */
export const endpointIdOf = (postback: Postback): number | null => ('endpointId' in postback ? postback.endpointId : null);

/** The bulk upload a postback is a row of, or null for one a rejection URL received. */
export const bulkIdOf = (postback: Postback): string | null => ('bulkId' in postback ? postback.bulkId : null);

const replayMark = { replayed: z.literal(true).optional() };

/**
 * The contract between receiver and worker: the data of one job. Versioned so that jobs still in Redis during
 * a deploy stay readable.
 * - v: 1 carries one postback (the worker splits a failing postback out of a batch into one of these).
 * - v: 2 carries the postbacks a receiver accepted together (or a bulk upload's rows of one shard): one job per
 *   batch keeps the queue's per-job cost (Redis commands, memory, worker bookkeeping) off each postback.
 * Either may carry `replayed: true`, set by a dead-letter replay (markReplayed); a release that does not know the
 * field reads the job all the same (zod drops keys it was not told about).
 * A plain union rather than one discriminated by v: a v: 1 job is either kind of postback. v: 2, by far the
 * commonest, is tried first.
 */
export const postbackJobSchema = z.union([
  z.object({ v: z.literal(2), postbacks: z.array(postbackSchema).min(1).max(POSTBACKS_PER_JOB), ...replayMark }),
  endpointPostbackSchema.extend({ v: z.literal(1), ...replayMark }),
  bulkPostbackSchema.extend({ v: z.literal(1), ...replayMark }),
]);
export type PostbackJob = z.infer<typeof postbackJobSchema>;

/** The postbacks a job carries, whatever its version. */
export function postbacksOf(job: PostbackJob): Postback[] {
  if (job.v === 2) return job.postbacks;
  const { v: _v, replayed: _replayed, ...postback } = job;
  return [postback];
}

/**
 * A job's data as a dead-letter replay puts it back: marked, so that the worker logs its postbacks with source
 * 'replay'. An unreadable payload goes back as it was (the worker dead-letters it again at once).
 */
export function markReplayed(data: unknown): unknown {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data, replayed: true } : data;
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
  return idsOfJob(count, now, randomBytes(8).toString('hex'));
}

/**
 * The ids of one job of a bulk upload's rows, in batchIds' layout, with the time its rows were queued and, for the
 * random bits, a hash of what the job is (`key`: the upload and the rows it carries): queuing the same rows again at
 * the same recorded time after an interrupted run makes the same ids, which BullMQ keeps one job of and the worker
 * recognises as applied already.
 */
export function bulkBatchIds(count: number, queuedAt: number, key: string): { jobId: string; postbackIds: string[] } {
  return idsOfJob(count, queuedAt, createHash('sha256').update(key).digest('hex').slice(0, 16));
}

function idsOfJob(count: number, now: number, random: string): { jobId: string; postbackIds: string[] } {
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
