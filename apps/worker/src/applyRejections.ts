import {
  OUTCOME_ERRORS,
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
import { keyRevocations, type KeyRevocations, type RevocationsInRedis } from './keyRevocations.js';
import { pgArrayLiteral as column, type ArrayElement } from './pgArrayLiteral.js';

/**
 * A postback as the worker applies it, with which attempt of its job this is and the shard its job came from. The
 * postback is held as its job gave it, not copied field by field beside the job's facts: a copy per postback (an
 * object spread) cost the worker several microseconds each, a tenth of its CPU in a drain.
 */
export interface PostbackToApply {
  postback: Postback;
  attempts: number;
  shard: string;
  /** Its job was put back from the dead-letter queue by a replay: logged with source 'replay'. */
  replayed?: boolean;
}

// Why a postback changed nothing, passed once per batch as one parameter and looked up by outcome in SQL, rather
// than repeated in every row.
const OUTCOME_ERRORS_JSON = JSON.stringify(OUTCOME_ERRORS);

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface LockedConversion extends ConversionStateRow {
  id: bigint;
  transaction_id: string;
  publisher_id: number | null;
}

/**
 * Applies a batch of postbacks in one transaction and returns each one's outcome, in the order given.
 * The rules themselves are the pure decideBatch(); this file loads the state they need and writes what they
 * decide. Round trips in the transaction: BEGIN, the row locks, the log read, one statement writing every table
 * (the conversions, their history, the log with its console columns, the report counts, the affiliates'
 * notifications), COMMIT.
 */
export async function applyRejections(
  prisma: PrismaClient,
  postbacks: PostbackToApply[],
  revocations: RevocationsInRedis,
): Promise<AppliedBatch> {
  // Exact revocation: each postback meets the seq at which its key was revoked, if it was, and its rotated key's
  // expiry. A bulk row has no key.
  const revoked = await keyRevocations(prisma, endpointIdsOf(postbacks), revocations);
  const { outcomes, applied, notificationsDueNow } = await prisma.$transaction(
    async (tx) => applyInTransaction(tx, postbacks, revoked),
    { maxWait: 10_000, timeout: 60_000 },
  );
  return {
    notificationsDueNow,
    outcomes: postbacks.map((p) => outcomes.get(p.postback.postbackId)!),
    applied: postbacks
      .filter((p) => applied.has(p))
      .map((p) => ({ receivedAt: p.postback.receivedAt, outcome: outcomes.get(p.postback.postbackId)!, shard: p.shard })),
  };
}

/** The rejection URLs a batch's postbacks came through, once each (a bulk row came through none). */
function endpointIdsOf(postbacks: readonly PostbackToApply[]): number[] {
  const ids = new Set<number>();
  for (const { postback } of postbacks) {
    const id = endpointIdOf(postback);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

/** Each postback's outcome, in the order given, and those this call applied (the rest were applied before). */
export interface AppliedBatch {
  outcomes: Outcome[];
  applied: Array<{ receivedAt: number; outcome: Outcome; shard: string }>;
  /** Affiliate notifications this batch wrote that are due already (delay 0): the relay is kicked to send them. */
  notificationsDueNow: number;
}

interface AppliedInTransaction {
  outcomes: Map<string, Outcome>;
  applied: Set<PostbackToApply>;
  notificationsDueNow: number;
}

async function applyInTransaction(
  tx: Tx,
  items: PostbackToApply[],
  revoked: KeyRevocations,
): Promise<AppliedInTransaction> {
  const postbacks = items.map((i) => i.postback);
  const transactionIds = [...new Set(postbacks.map((p) => p.transactionId))];
  // Row locks on every conversion the batch touches, taken in id order: batches of other workers that touch the
  // same conversions wait here, and two batches cannot deadlock on each other.
  const rows = await tx.$queryRaw<LockedConversion[]>`
    SELECT c.id, c.transaction_id, c.status::text AS status, c.rejected_reason, c.offer_id, o.advertiser_id,
           c.last_postback_seq, c.publisher_id
    FROM conversions c JOIN offers o ON o.id = c.offer_id
    WHERE c.transaction_id = ANY(${column(transactionIds)}::text[])
    ORDER BY c.id
    FOR UPDATE OF c`;
  const states = new Map<string, ConversionState>();
  const idOf = new Map<string, bigint>();
  const publisherOf = new Map<string, number | null>();
  for (const r of rows) {
    idOf.set(r.transaction_id, r.id);
    publisherOf.set(r.transaction_id, r.publisher_id);
    states.set(r.transaction_id, conversionStateOf(r));
  }

  // Idempotency: a postback already in the log was applied by an earlier delivery (a crash after the commit, a
  // lost lock, a replay). Read after the locks, so a concurrent delivery of it has either committed or not begun.
  // Looked up by the log's key, (received_at, postback_id): a postback's received_at never changes, since it travels
  // in the job and a retry or replay re-adds the same job data, so an earlier delivery's row has the same pair. The
  // BETWEEN lets Postgres prune to the partitions of the batch's days instead of probing every one. Receipt times
  // travel as epoch ms and become timestamps by the same expression as the log's INSERT below.
  const receivedAts = postbacks.map((p) => p.receivedAt);
  const logged = await tx.$queryRaw<Array<{ postback_id: string; outcome: Outcome }>>`
    SELECT postback_id::text, outcome::text FROM postback_log
    WHERE received_at BETWEEN ${new Date(Math.min(...receivedAts)).toISOString()}::timestamptz
                          AND ${new Date(Math.max(...receivedAts)).toISOString()}::timestamptz
      AND (received_at, postback_id) IN (
        SELECT timestamptz 'epoch' + v.received_at_ms * interval '1 millisecond', v.postback_id
        FROM unnest(${column(receivedAts)}::bigint[], ${column(postbacks.map((p) => p.postbackId))}::uuid[])
          AS v(received_at_ms, postback_id))`;
  const outcomes = new Map(logged.map((r) => [r.postback_id, r.outcome]));
  const seen = new Set(outcomes.keys());
  const freshItems = items.filter(({ postback: p }) => !seen.has(p.postbackId) && seen.add(p.postbackId));
  if (freshItems.length === 0) return { outcomes, applied: new Set(), notificationsDueNow: 0 };
  const fresh = freshItems.map((i) => i.postback);

  const withKeyState = (p: Postback) => {
    const endpointId = endpointIdOf(p);
    if (endpointId === null) return p;
    return { ...p, keyRevokedSeq: revoked.seqs.get(endpointId) ?? null, keyExpiresAt: revoked.expiries.get(endpointId) ?? null };
  };
  const toDecide = revoked.seqs.size === 0 && revoked.expiries.size === 0 ? fresh : fresh.map(withKeyState);
  const { results, finalStates } = decideBatch(states, toDecide);

  // Last-received-wins: finalStates holds each conversion as the highest-seq postback in scope left it, and
  // decide() refused (superseded) anything older than the seq already stored.
  const updates = [...finalStates].map(([transactionId, state]) => ({
    id: String(idOf.get(transactionId)),
    reason: state.rejectedReason,
    seq: state.lastPostbackSeq,
  }));
  // One history row per change, in receipt order, so that a conversion's history read by id is the chain of its
  // changes; the unique postback_id makes a second row for the same postback impossible. Each change carries its
  // conversion's publisher, offer, transaction id and seq for the affiliates' notifications (below).
  const changes = results
    .filter((r) => r.decision.change)
    .sort((a, b) => a.postback.seq - b.postback.seq)
    .map(({ postback, decision }) => ({
      conversion_id: String(idOf.get(postback.transactionId)),
      from_status: decision.change!.fromStatus,
      to_status: decision.change!.toStatus,
      old_reason: decision.change!.oldReason,
      new_reason: decision.change!.newReason,
      postback_id: postback.postbackId,
      publisher_id: publisherOf.get(postback.transactionId) ?? null,
      offer_id: states.get(postback.transactionId)!.offerId,
      transaction_id: postback.transactionId,
      seq: postback.seq,
    }));
  // Every postback gets its log row, whatever its outcome: the answer to "why did my rejection do nothing?".
  // Its receipt time goes as epoch ms: exact, and no Date formatting per row. The console's columns come from what
  // the batch holds already: the advertiser from the postback's scope (the URL's or the upload's, known even when
  // the conversion is not), the offer from the locked conversion (for a global URL, the conversion's offer).
  // decideBatch answers in the order given: results[i] is freshItems[i]'s postback, with its attempt and replay mark.
  const logRows = results.map(({ postback, decision }, i) => ({
    postback_id: postback.postbackId,
    endpoint_id: endpointIdOf(postback),
    bulk_id: bulkIdOf(postback),
    transaction_id: postback.transactionId,
    reason: postback.reason,
    seq: postback.seq,
    received_at_ms: postback.receivedAt,
    outcome: decision.outcome,
    attempts: freshItems[i]!.attempts,
    advertiser_id: postback.scope.advertiserId,
    offer_id: states.get(postback.transactionId)?.offerId ?? null,
    replayed: freshItems[i]!.replayed === true ? true : null,
  }));
  const change = columnsOf(changes);
  const update = columnsOf(updates);
  const log = columnsOf(logRows);

  // The conversions, their history, the log and the report counts in one statement: one round trip, its parts run
  // to completion whatever the last one returns, and all commit or none with the transaction. Each column of each
  // table's rows travels as one array literal (see pgArrayLiteral), unnested side by side in the rows' order: one
  // string for the client to pass on per column, not one value per row and column, and none of the escaping that
  // JSON rows cost (their keys' quotes alone were most of it). RETURNING says which log rows this transaction wrote:
  // for a conversion that does not exist no row lock orders two deliveries of one postback, so both may have read an
  // empty log above, and only the one whose row lands applied it.
  // The counts are appended, one delta row per (hour, advertiser, offer, reason, outcome) of the rows that landed,
  // never added to a shared counter row: an UPDATE of a hot rollup row would make every concurrent batch touching
  // the same key wait for this one's commit. The worker's maintenance folds the deltas into the hourly and daily
  // rollups (packages/core/src/rejectionRollups/). Counted from `logged`, so a postback applied before is never
  // counted twice.
  // The affiliates' notifications (the transactional outbox, `notifications`) are written here too, so a change
  // and its notification commit together or not at all; the relay (notifications/outboxRelay.ts) hands them to the
  // delivery queue. One row per change and matching affiliate postback of the conversion's publisher (active, not
  // deleted, of all its offers or this one, listening to the change's event and, when it names reasons, to its new
  // reason), inserted in receipt order: a change that finds a `waiting` row of the same (postback, conversion)
  // joins it (ON CONFLICT DO NOTHING on the partial unique index), so the changes within a delay give one
  // notification whose previous_* is the state before the first of them. The same holds for rows earlier in this
  // INSERT, since it inserts in the ORDER BY's order.
  // Invariant: this part costs next to nothing when there is nothing to notify. A conversion with no publisher is
  // filtered before the join, and the join probes affiliate_postbacks by publisher_id's index: with no affiliate
  // postbacks (or none of these publishers) it reads no row and inserts none, within the same round trip.
  // The id is the column's default, notification_id(): a UUIDv7 in time order, so the rows append at the primary
  // key's right edge (a random UUID's were half of what the outbox cost the batch).
  // Due now: delay 0, i.e. due_at = first_changed_at (both now() rounded alike to the column's milliseconds; against
  // now() itself a rounded-up due_at would look a few hundred microseconds late).
  const written = await tx.$queryRaw<Array<{ postback_id: string | null; due_now: number | null }>>`
    WITH changes AS (
      SELECT v.*, CASE WHEN v.from_status <> 'rejected' THEN 'rejected' ELSE 'reason_updated' END AS event
      FROM unnest(${change('conversion_id')}::bigint[], ${change('from_status')}::conversion_status[],
        ${change('to_status')}::conversion_status[], ${change('old_reason')}::text[], ${change('new_reason')}::text[],
        ${change('postback_id')}::uuid[], ${change('publisher_id')}::int[], ${change('offer_id')}::int[],
        ${change('transaction_id')}::text[], ${change('seq')}::bigint[])
        AS v(conversion_id, from_status, to_status, old_reason, new_reason, postback_id, publisher_id, offer_id,
          transaction_id, seq)
    ), updated AS (
      UPDATE conversions c
      SET status = 'rejected', rejected_reason = v.reason, last_postback_seq = v.seq, updated_at = now()
      FROM unnest(${update('id')}::bigint[], ${update('reason')}::text[], ${update('seq')}::bigint[]) AS v(id, reason, seq)
      WHERE c.id = v.id
    ), history AS (
      INSERT INTO conversion_status_history
        (conversion_id, from_status, to_status, old_reason, new_reason, postback_id)
      SELECT v.conversion_id, v.from_status, v.to_status, v.old_reason, v.new_reason, v.postback_id
      FROM changes v
    ), notified AS (
      INSERT INTO notifications
        (affiliate_postback_id, conversion_id, transaction_id, event, previous_status, previous_reason,
         first_changed_at, due_at)
      SELECT ap.id, v.conversion_id, v.transaction_id, v.event, v.from_status, v.old_reason,
             now(), now() + ap.delay_seconds * interval '1 second'
      FROM changes v
      JOIN affiliate_postbacks ap ON ap.publisher_id = v.publisher_id
      WHERE v.publisher_id IS NOT NULL
        AND ap.status = 'active' AND ap.deleted_at IS NULL
        AND (ap.offer_id IS NULL OR ap.offer_id = v.offer_id)
        AND v.event = ANY(ap.events)
        AND (cardinality(ap.reasons) = 0 OR v.new_reason = ANY(ap.reasons))
      ORDER BY v.seq, ap.id
      ON CONFLICT (affiliate_postback_id, conversion_id) WHERE state = 'waiting' DO NOTHING
      RETURNING due_at, first_changed_at
    ), logged AS (
      INSERT INTO postback_log
        (postback_id, endpoint_id, bulk_id, transaction_id, reason, seq, received_at, outcome, attempts,
         advertiser_id, offer_id, error, source)
      SELECT v.postback_id, v.endpoint_id, v.bulk_id, v.transaction_id, v.reason, v.seq,
             timestamptz 'epoch' + v.received_at_ms * interval '1 millisecond', v.outcome, v.attempts,
             v.advertiser_id, v.offer_id, ${OUTCOME_ERRORS_JSON}::jsonb ->> v.outcome::text,
             CASE WHEN v.replayed THEN 'replay' WHEN v.bulk_id IS NULL THEN 'url' ELSE 'bulk' END
      FROM unnest(${log('postback_id')}::uuid[], ${log('endpoint_id')}::int[], ${log('bulk_id')}::uuid[],
        ${log('transaction_id')}::text[], ${log('reason')}::text[], ${log('seq')}::bigint[], ${log('received_at_ms')}::bigint[],
        ${log('outcome')}::postback_outcome[], ${log('attempts')}::int[], ${log('advertiser_id')}::int[], ${log('offer_id')}::int[],
        ${log('replayed')}::boolean[])
        AS v(postback_id, endpoint_id, bulk_id, transaction_id, reason, seq, received_at_ms, outcome, attempts,
          advertiser_id, offer_id, replayed)
      ON CONFLICT (received_at, postback_id) DO NOTHING
      RETURNING postback_id, received_at, advertiser_id, offer_id, reason, outcome
    ), counted AS (
      INSERT INTO rejection_rollup_deltas (hour, advertiser_id, offer_id, reason, outcome, count)
      SELECT date_trunc('hour', received_at, 'UTC'), advertiser_id, offer_id, reason, outcome, count(*)
      FROM logged
      GROUP BY 1, 2, 3, 4, 5
    )
    SELECT postback_id::text, NULL::int AS due_now FROM logged
    UNION ALL
    SELECT NULL, count(*)::int FROM notified WHERE due_at <= first_changed_at`;

  for (const r of results) outcomes.set(r.postback.postbackId, r.decision.outcome);
  const writtenIds = new Set<string>();
  let notificationsDueNow = 0;
  for (const r of written) {
    if (r.postback_id === null) notificationsDueNow = r.due_now ?? 0;
    else writtenIds.add(r.postback_id);
  }
  return { outcomes, applied: new Set(freshItems.filter((i) => writtenIds.has(i.postback.postbackId))), notificationsDueNow };
}

/** The rows' fields as array literals: `column('seq')` is every row's seq, in the rows' order ('{}' with no row). */
function columnsOf<R extends Record<string, ArrayElement>>(rows: readonly R[]): (key: keyof R & string) => string {
  return (key) => column(rows.map((r) => r[key]));
}
