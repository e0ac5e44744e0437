import {
  bulkIdOf,
  conversionStateOf,
  decideBatch,
  endpointIdOf,
  type ConversionStateRow,
  type ConversionState,
  type Outcome,
  type Postback,
  type PrismaClient,
} from '@postback/core';
import { keyRevocations, type RevocationsInRedis } from './keyRevocations.js';

/** A postback as the worker applies it, with which attempt of its job this is and the shard its job came from. */
export type PostbackToApply = Postback & {
  attempts: number;
  shard: string;
};

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface LockedConversion extends ConversionStateRow {
  id: bigint;
  transaction_id: string;
}

/**
 * Applies a batch of postbacks in one transaction and returns each one's outcome, in the order given.
 * The rules themselves are the pure decideBatch(); this file loads the state they need and writes what they
 * decide, with one set-based statement per table.
 */
export async function applyRejections(
  prisma: PrismaClient,
  postbacks: PostbackToApply[],
  revocations: RevocationsInRedis,
): Promise<AppliedBatch> {
  // Read before the transaction, so no row lock waits on Redis. Every postback here was given its seq before this
  // read, so a revocation the read misses came after all of them (and changes nothing for this batch).
  const revokedInRedis = await revocations.revokedSeqs(endpointIdsOf(postbacks));
  const { outcomes, applied } = await prisma.$transaction(async (tx) => applyInTransaction(tx, postbacks, revokedInRedis), {
    maxWait: 10_000,
    timeout: 60_000,
  });
  return {
    outcomes: postbacks.map((p) => outcomes.get(p.postbackId)!),
    applied: postbacks
      .filter((p) => applied.has(p))
      .map((p) => ({ receivedAt: p.receivedAt, outcome: outcomes.get(p.postbackId)!, shard: p.shard })),
  };
}

/** The rejection URLs a batch's postbacks came through, once each (a bulk row came through none). */
function endpointIdsOf(postbacks: readonly PostbackToApply[]): number[] {
  const ids = new Set<number>();
  for (const p of postbacks) {
    const id = endpointIdOf(p);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

/** Each postback's outcome, in the order given, and those this call applied (the rest were applied before). */
export interface AppliedBatch {
  outcomes: Outcome[];
  applied: Array<{ receivedAt: number; outcome: Outcome; shard: string }>;
}

async function applyInTransaction(
  tx: Tx,
  postbacks: PostbackToApply[],
  revokedInRedis: ReadonlyMap<number, number>,
): Promise<{ outcomes: Map<string, Outcome>; applied: Set<PostbackToApply> }> {
  const transactionIds = [...new Set(postbacks.map((p) => p.transactionId))];
  // Row locks on every conversion the batch touches, taken in id order: batches of other workers that touch the
  // same conversions wait here, and two batches cannot deadlock on each other.
  const rows = await tx.$queryRaw<LockedConversion[]>`
    SELECT c.id, c.transaction_id, c.status::text AS status, c.rejected_reason, c.offer_id, o.advertiser_id,
           c.last_postback_seq
    FROM conversions c JOIN offers o ON o.id = c.offer_id
    WHERE c.transaction_id = ANY(${transactionIds}::text[])
    ORDER BY c.id
    FOR UPDATE OF c`;
  const states = new Map<string, ConversionState>();
  const idOf = new Map<string, bigint>();
  for (const r of rows) {
    idOf.set(r.transaction_id, r.id);
    states.set(r.transaction_id, conversionStateOf(r));
  }

  // Idempotency: a postback already in the log was applied by an earlier delivery (a crash after the commit, a
  // lost lock, a replay). Read after the locks, so a concurrent delivery of it has either committed or not begun.
  // Looked up by the log's key, (received_at, postback_id): a postback's received_at never changes, since it travels
  // in the job and a retry or replay re-adds the same job data, so an earlier delivery's row has the same pair. The
  // BETWEEN lets Postgres prune to the partitions of the batch's days instead of probing every one.
  const receivedAts = postbacks.map((p) => p.receivedAt);
  const logged = await tx.$queryRaw<Array<{ postback_id: string; outcome: Outcome }>>`
    SELECT postback_id::text, outcome::text FROM postback_log
    WHERE received_at BETWEEN ${new Date(Math.min(...receivedAts)).toISOString()}::timestamptz
                          AND ${new Date(Math.max(...receivedAts)).toISOString()}::timestamptz
      AND (received_at, postback_id) IN (
        SELECT * FROM unnest(${receivedAts.map((t) => new Date(t).toISOString())}::timestamptz[], ${postbacks.map((p) => p.postbackId)}::uuid[]))`;
  const outcomes = new Map(logged.map((r) => [r.postback_id, r.outcome]));
  const seen = new Set(outcomes.keys());
  const fresh = postbacks.filter((p) => !seen.has(p.postbackId) && seen.add(p.postbackId));
  if (fresh.length === 0) return { outcomes, applied: new Set() };

  // Exact revocation: each postback meets the seq at which its key was revoked, if it was (one query per batch).
  // A bulk row has no key: nothing to revoke.
  const revokedSeqs = await keyRevocations(tx, endpointIdsOf(fresh), revokedInRedis);
  const revokedSeqOf = (p: PostbackToApply) => {
    const endpointId = endpointIdOf(p);
    return endpointId === null ? null : (revokedSeqs.get(endpointId) ?? null);
  };
  const toDecide = revokedSeqs.size === 0 ? fresh : fresh.map((p) => ({ ...p, keyRevokedSeq: revokedSeqOf(p) }));
  const { results, finalStates } = decideBatch(states, toDecide);

  // Last-received-wins: finalStates holds each conversion as the highest-seq postback in scope left it, and
  // decide() refused (superseded) anything older than the seq already stored.
  if (finalStates.size > 0) {
    const ids: string[] = [];
    const reasons: string[] = [];
    const seqs: string[] = [];
    for (const [transactionId, state] of finalStates) {
      ids.push(String(idOf.get(transactionId)));
      reasons.push(state.rejectedReason!);
      seqs.push(String(state.lastPostbackSeq));
    }
    await tx.$executeRaw`
      UPDATE conversions c
      SET status = 'rejected', rejected_reason = v.reason, last_postback_seq = v.seq, updated_at = now()
      FROM unnest(${ids}::bigint[], ${reasons}::text[], ${seqs}::bigint[]) AS v(id, reason, seq)
      WHERE c.id = v.id`;
  }

  // One history row per change; the unique postback_id makes a second row for the same postback impossible.
  // Inserted in receipt order, so that a conversion's history read by id is the chain of its changes.
  const changes = results.filter((r) => r.decision.change).sort((a, b) => a.postback.seq - b.postback.seq);
  if (changes.length > 0) {
    await tx.$executeRaw`
      INSERT INTO conversion_status_history
        (conversion_id, from_status, to_status, old_reason, new_reason, postback_id)
      SELECT v.conversion_id, v.from_status::conversion_status, v.to_status::conversion_status,
             v.old_reason, v.new_reason, v.postback_id
      FROM unnest(
        ${changes.map((r) => String(idOf.get(r.postback.transactionId)))}::bigint[],
        ${changes.map((r) => r.decision.change!.fromStatus)}::text[],
        ${changes.map((r) => r.decision.change!.toStatus)}::text[],
        ${changes.map((r) => r.decision.change!.oldReason)}::text[],
        ${changes.map((r) => r.decision.change!.newReason)}::text[],
        ${changes.map((r) => r.postback.postbackId)}::uuid[]
      ) AS v(conversion_id, from_status, to_status, old_reason, new_reason, postback_id)`;
  }

  // Every postback gets its log row, whatever its outcome: the answer to "why did my rejection do nothing?".
  // RETURNING says which rows this transaction wrote: for a conversion that does not exist no row lock orders two
  // deliveries of one postback, so both may have read an empty log above, and only the one whose row lands applied it.
  const written = await tx.$queryRaw<Array<{ postback_id: string }>>`
    INSERT INTO postback_log
      (postback_id, endpoint_id, bulk_id, transaction_id, reason, seq, received_at, outcome, attempts)
    SELECT v.postback_id, v.endpoint_id, v.bulk_id, v.transaction_id, v.reason, v.seq, v.received_at,
           v.outcome::postback_outcome, v.attempts
    FROM unnest(
      ${results.map((r) => r.postback.postbackId)}::uuid[],
      ${results.map((r) => endpointIdOf(r.postback))}::int[],
      ${results.map((r) => bulkIdOf(r.postback))}::uuid[],
      ${results.map((r) => r.postback.transactionId)}::text[],
      ${results.map((r) => r.postback.reason)}::text[],
      ${results.map((r) => String(r.postback.seq))}::bigint[],
      ${results.map((r) => new Date(r.postback.receivedAt).toISOString())}::timestamptz[],
      ${results.map((r) => r.decision.outcome)}::text[],
      ${results.map((r) => r.postback.attempts)}::int[]
    ) AS v(postback_id, endpoint_id, bulk_id, transaction_id, reason, seq, received_at, outcome, attempts)
    ON CONFLICT (received_at, postback_id) DO NOTHING
    RETURNING postback_id::text`;

  for (const r of results) outcomes.set(r.postback.postbackId, r.decision.outcome);
  const writtenIds = new Set(written.map((r) => r.postback_id));
  return { outcomes, applied: new Set(fresh.filter((p) => writtenIds.has(p.postbackId))) };
}
