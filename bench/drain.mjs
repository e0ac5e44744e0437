// The worker drain: postbacks queued the way the receiver queues them, then timed as one worker applies them.
import { advertiserOf, REASONS } from './seed.mjs';

/**
 * Queues one postback for each conversion tx-from … tx-to-1 (or the ids `idOf` gives) through the receiver's own
 * EnqueueBatcher, 10,000 per turn. Returns the time (ms) before the first was received: every one of them is received
 * at or after it.
 */
export async function queueDrain(batcher, { from, to }, idOf = (j) => `tx-${j}`) {
  const since = Date.now();
  for (let i = from; i < to; i += 10_000) {
    const chunk = [];
    for (let j = i; j < Math.min(i + 10_000, to); j++) {
      chunk.push(batcher.admitAndEnqueue({
        endpointId: advertiserOf(j), scope: { kind: 'global', advertiserId: advertiserOf(j), offerId: null },
        transactionId: idOf(j), reason: REASONS[j % REASONS.length], receivedAt: Date.now(),
      }));
    }
    await Promise.all(chunk);
  }
  return since;
}

/**
 * Waits until `count` postbacks received since `since` are in postback_log and returns postbacks per second from
 * the first of them applied to the last (processed_at: each batch's transaction start). Only rows received since
 * `since` count, so a log pre-filled with older rows is neither counted nor scanned (the received_at index).
 */
export async function timeDrain(db, { since, count }) {
  const params = [new Date(since).toISOString()];
  // Once a second: the count reads every row the drain has written so far, so polled five times a second it took
  // Postgres time from the drain it measures (96 polls in two drains of 200,000). The rate comes from processed_at,
  // so how soon the end is noticed changes nothing in it.
  await waitFor(async () => {
    const { rows } = await db.query('SELECT count(*) AS n FROM postback_log WHERE received_at >= $1', params);
    return Number(rows[0].n) >= count;
  }, 1_800_000, 1000);
  // processed_at is each batch's transaction start, so the span from the first to the last holds every batch but
  // the last one's run: the last batch's rows are left out of the count as well, or larger batches would look
  // faster by the time their last one takes (2,000 rows are 1% of a drain of 200,000).
  const { rows: [span] } = await db.query(
    `SELECT extract(epoch FROM max(processed_at) - min(processed_at)) AS seconds,
            count(*) FILTER (WHERE processed_at = (SELECT max(processed_at) FROM postback_log WHERE received_at >= $1)) AS last
     FROM postback_log WHERE received_at >= $1`,
    params,
  );
  return Math.round((count - Number(span.last)) / Number(span.seconds));
}

export async function waitFor(check, timeoutMs, pollMs = 200) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
