// Affiliate postbacks: the worker's rejection drain with them off and on, in one run, and the rate at which their
// notifications reach the affiliates. Run within `npm run bench`, or alone with `npm run bench -- --affiliates`
// (its fields merged into bench/results.json).
//
// Drains of the same shape, each on conversions of its own (spread over 50 publishers) and a fresh worker process, in
// the order off, on, on, off, so that the machine's drift over the run weighs on both sides alike:
//   off:     the conversions' publishers have no affiliate postback;
//   on:      one affiliate postback per publisher, fired for every rejection (events rejected and reason_updated,
//            delay_seconds 0); then the round's notifications are followed until every one reached the bench's
//            receivers and is recorded delivered (or nothing moved for a while: the rest are counted lost);
//   delayed: one more, with postbacks of the default delay (120 s): the drain only, its notifications not waited for.
// Each round starts on a settled database (settle(): vacuumed, then a checkpoint).
// The destinations are fast local HTTP servers started here, one per publisher on an address of its own
// (127.0.0.1 … 127.0.0.50, all loopback on Linux), so each publisher is a destination host of its own, as it would be
// in production (the per-destination cap, DELIVERY_PER_DESTINATION, counts per host).
import { createServer } from 'node:http';
import pg from 'pg';
import { Queue } from 'bullmq';
import { createFailFastRedis, DELIVERY_QUEUE_NAME, deliveryQueueTag, loadConfig, PostbackShards } from '@postback/core';
import { Admission } from '../apps/receiver/dist/admission.js';
import { EnqueueBatcher } from '../apps/receiver/dist/enqueueBatcher.js';
import { queueDrain, timeDrain } from './drain.mjs';
import { ADVERTISERS, databaseUrl, OFFERS_PER_ADVERTISER } from './seed.mjs';
import { startApp } from './services.mjs';
import { settle } from './settle.mjs';

const PUBLISHERS = 50;
const DEFAULT_DELAY_SECONDS = 120;
// Round names are the conversions' id prefixes (aff-<round>-<i>) and, before the dash, their publishers' kind.
const ROUNDS = ['off-a', 'on-a', 'on-b', 'off-b'];

/**
 * Needs the bench database seeded (its advertisers, offers and rejection URLs) and no worker running. Returns the
 * affiliate_* figures of bench/results.json.
 */
export async function benchAffiliates({ quick, env, log }) {
  const count = quick ? 20_000 : 100_000;
  // With nothing delivered for this long, the notifications not yet delivered are counted lost.
  const stallMs = quick ? 15_000 : 60_000;
  const workerEnv = { ...env, OUTBOUND_ALLOW_PRIVATE: 'true' };
  // Node options for the workers this phase starts: BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'
  // profiles each round's worker (Node refuses --cpu-prof in NODE_OPTIONS).
  const workerArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const cfg = loadConfig(env);
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  const redis = createFailFastRedis(cfg);
  await new Promise((r) => redis.once('ready', r));
  const shards = new PostbackShards(cfg, redis, { role: 'bench' });
  const batcher = new EnqueueBatcher(shards, new Admission(redis, cfg.QUEUE_PREFIX, Number(env.RATE_LIMIT_PER_KEY), 1000));
  const receivers = await startReceivers(PUBLISHERS);
  try {
    const publishers = {};
    for (const kind of ['off', 'on', 'delayed']) publishers[kind] = await givenPublishers(db, kind, PUBLISHERS);
    await givenAffiliatePostbacks(db, publishers.on, receivers.urls, 0);
    await givenAffiliatePostbacks(db, publishers.delayed, receivers.urls, DEFAULT_DELAY_SECONDS);
    for (const round of [...ROUNDS, 'delayed']) await givenConversions(db, round, count, publishers[round.split('-')[0]]);
    await db.query('ANALYZE');

    const drain = async (round) => {
      await settle(db, ROUND_TABLES);
      log(`affiliates ${round}: queueing ${count}`);
      const since = await queueDrain(batcher, { from: 0, to: count }, (j) => `aff-${round}-${j}`);
      log(`affiliates ${round}: draining`);
      const worker = startApp('worker', workerEnv, workerArgs);
      const perSecond = await timeDrain(db, { since, count });
      return { worker, since, perSecond };
    };

    const rounds = [];
    for (const round of ROUNDS) {
      const { worker, since, perSecond } = await drain(round);
      const result = { round, drain_per_s: perSecond };
      if (round.startsWith('on')) {
        log(`affiliates ${round}: drained at ${perSecond}/s, following the deliveries`);
        Object.assign(result, await followDeliveries({ db, receivers, round, since, count, stallMs, log }));
      }
      await worker.stop();
      rounds.push(result);
    }
    const delayed = await drain('delayed');
    await delayed.worker.stop();
    await forgetPending(db, redis, cfg);

    const on = rounds.filter((r) => r.round.startsWith('on'));
    const off = rounds.filter((r) => r.round.startsWith('off'));
    const range = (rs) => [Math.min(...rs.map((r) => r.drain_per_s)), Math.max(...rs.map((r) => r.drain_per_s))];
    const mean = (rs) => Math.round(rs.reduce((a, r) => a + r.drain_per_s, 0) / rs.length);
    const total = (field) => on.reduce((a, r) => a + r[field], 0);
    const seconds = total('delivery_seconds');
    return {
      affiliate_publishers: PUBLISHERS,
      affiliate_drain_postbacks: count,
      affiliate_drain_off_per_s: mean(off),
      affiliate_drain_on_per_s: mean(on),
      affiliate_drain_ratio: round(mean(on) / mean(off), 3),
      // The machine's noise: each side's slowest and fastest round, and the ratio's range they allow.
      affiliate_drain_off_range: range(off),
      affiliate_drain_on_range: range(on),
      affiliate_drain_ratio_range: [round(range(on)[0] / range(off)[1], 3), round(range(on)[1] / range(off)[0], 3)],
      affiliate_drain_delayed_per_s: delayed.perSecond,
      affiliate_drain_delayed_ratio: round(delayed.perSecond / mean(off), 3),
      affiliate_notifications_written: total('written'),
      affiliate_deliveries: total('delivered'),
      affiliate_deliveries_recorded: total('recorded'),
      affiliate_delivery_attempts: total('attempts'),
      affiliate_delivery_attempts_delivered: total('attempts_delivered'),
      affiliate_delivery_duplicates: total('duplicates'),
      // Every rejection must be written (one postback per publisher, fired for every rejection), and every one
      // written delivered.
      affiliate_lost: Math.max(on.length * count, total('written')) - total('delivered'),
      affiliate_delivery_seconds: round(seconds, 1),
      affiliate_delivery_per_s: seconds > 0 ? Math.round(total('delivered') / seconds) : 0,
      affiliate_rounds: rounds,
    };
  } finally {
    await receivers.close();
    await shards.close();
    redis.disconnect();
    await db.end();
  }
}

// What each round writes, vacuumed before the next (an on round's deliveries update every notification several
// times): vacuumed then, not during the next drain, which it would slow by a share that depends on the rounds' order.
const ROUND_TABLES = ['conversions', 'conversion_status_history', 'postback_log', 'notifications', 'delivery_attempts', 'rejection_rollup_deltas'];

/**
 * Leaves no notification for a later phase's worker to deliver (the delayed round's, any lost): the pending rows
 * and the delivery queue's jobs go, and the postbacks are deleted.
 */
async function forgetPending(db, redis, cfg) {
  await db.query('UPDATE affiliate_postbacks SET deleted_at = now()');
  await db.query("DELETE FROM notifications WHERE state IN ('waiting', 'sending')");
  const queue = new Queue(DELIVERY_QUEUE_NAME, { connection: redis, prefix: deliveryQueueTag(cfg.QUEUE_PREFIX) });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

/**
 * One HTTP server per publisher, each on a loopback address of its own, answering 200 at once. Counts requests and
 * the distinct webhook-ids (one per notification: a retry or a second hand-off sends the same id again).
 */
async function startReceivers(n) {
  // Cleared by each round that follows its deliveries (followDeliveries).
  const state = { requests: 0, lastAt: 0, seen: new Set() };
  const servers = [];
  const urls = [];
  for (let i = 1; i <= n; i++) {
    const server = createServer((req, res) => {
      state.requests++;
      state.lastAt = Date.now();
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') state.seen.add(id);
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    server.keepAliveTimeout = 30_000;
    const address = `127.0.0.${i}`;
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, address, resolve));
    servers.push(server);
    urls.push(`http://${address}:${server.address().port}`);
  }
  return {
    urls,
    state,
    close: () => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); }))),
  };
}

async function givenPublishers(db, kind, n) {
  const { rows } = await db.query(
    "INSERT INTO publishers (name) SELECT 'bench ' || $1::text || ' publisher ' || i FROM generate_series(1, $2::int) AS i RETURNING id",
    [kind, n],
  );
  return rows.map((r) => r.id);
}

/**
 * Approved conversions aff-<round>-0 … aff-<round>-N-1, laid over the offers as seed() lays tx-i (so queueDrain's
 * advertiser of j is theirs), and spread over the publishers in turn.
 */
async function givenConversions(db, round, count, publishers) {
  const offers = ADVERTISERS * OFFERS_PER_ADVERTISER;
  await db.query(
    `INSERT INTO conversions (transaction_id, offer_id, status, publisher_id)
     SELECT 'aff-' || $1::text || '-' || i, 1 + (i % ${offers}), 'approved', ($3::int[])[1 + (i % cardinality($3::int[]))]
     FROM generate_series(0, $2::int - 1) AS i`,
    [round, count, publishers],
  );
}

/** One postback per publisher (publisher i to receiver i), every offer, every reason, both events. */
async function givenAffiliatePostbacks(db, publishers, urls, delaySeconds) {
  await db.query(
    `INSERT INTO affiliate_postbacks (publisher_id, url, method, events, delay_seconds)
     SELECT p, u || '/postback?tx={transaction_id}&status={status}&reason={rejected_reason}&payout={payout}', 'GET',
            ARRAY['rejected', 'reason_updated'], $3
     FROM unnest($1::int[], $2::text[]) AS t(p, u)`,
    [publishers, urls, delaySeconds],
  );
}

/**
 * Waits until the round's `count` notifications reached the receivers and are recorded delivered, or nothing moved
 * for `stallMs`. The rate runs from the first of the round's postbacks applied (Postgres's clock, on this machine) to
 * the last notification received. The receivers' counts start afresh: the previous round's were all followed.
 */
async function followDeliveries({ db, receivers, round, since, count, stallMs, log }) {
  const { state } = receivers;
  // The outbox's rows of the round, those recorded delivered, and the delivery log's delivered attempts (one per
  // delivered notification: a second would be a duplicate send the receivers' webhook-id count also sees).
  const recordedCount = async () => {
    const { rows: [n] } = await db.query(
      "SELECT count(*) FILTER (WHERE state = 'delivered') AS delivered, count(*) AS written FROM notifications WHERE transaction_id LIKE $1",
      [`aff-${round}-%`],
    );
    const { rows: [a] } = await db.query(
      "SELECT count(*) AS attempts, count(*) FILTER (WHERE result = 'delivered') AS delivered FROM delivery_attempts WHERE transaction_id LIKE $1",
      [`aff-${round}-%`],
    );
    return { recorded: Number(n.delivered), written: Number(n.written), attempts: Number(a.attempts), attemptsDelivered: Number(a.delivered) };
  };
  let last = { seen: -1, recorded: -1 };
  let movedAt = Date.now();
  let counts = await recordedCount();
  while (state.seen.size < count || counts.recorded < count) {
    if (state.seen.size !== last.seen || counts.recorded !== last.recorded) {
      last = { seen: state.seen.size, recorded: counts.recorded };
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      log(`affiliates ${round}: nothing delivered for ${stallMs / 1000} s, ${count - state.seen.size} not delivered`);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
    counts = await recordedCount();
  }
  const { rows: [first] } = await db.query(
    'SELECT extract(epoch FROM min(processed_at)) AS at FROM postback_log WHERE received_at >= $1',
    [new Date(since).toISOString()],
  );
  const delivered = state.seen.size;
  const followed = {
    delivered,
    recorded: counts.recorded,
    written: counts.written,
    attempts: counts.attempts,
    attempts_delivered: counts.attemptsDelivered,
    duplicates: state.requests - delivered,
    delivery_seconds: delivered > 0 ? state.lastAt / 1000 - Number(first.at) : 0,
  };
  Object.assign(state, { requests: 0, lastAt: 0, seen: new Set() });
  return followed;
}

/** The affiliate figures as rows of the bench's table. */
export function affiliateRows(r) {
  if (r.affiliate_drain_ratio === undefined) return [];
  return [
    ['Affiliates: drain off / on (1 worker)', `${r.affiliate_drain_off_per_s} / ${r.affiliate_drain_on_per_s} postbacks/s`, `ratio ${r.affiliate_drain_ratio} (target ≥ 0.85; rounds allow ${r.affiliate_drain_ratio_range.join('–')}), ${r.affiliate_publishers} publishers, delay 0`],
    ['Affiliates: rounds (off, on, on, off)', r.affiliate_rounds.map((x) => x.drain_per_s).join(' / '), 'postbacks/s, in the order run'],
    ['Affiliates: drain with the default delay', `${r.affiliate_drain_delayed_per_s} postbacks/s`, `ratio ${r.affiliate_drain_delayed_ratio} (delay ${DEFAULT_DELAY_SECONDS} s; deliveries not waited for)`],
    ['Affiliates: delivered / lost / duplicates', `${r.affiliate_deliveries} / ${r.affiliate_lost} / ${r.affiliate_delivery_duplicates}`, `of ${2 * r.affiliate_drain_postbacks} rejections; ${r.affiliate_notifications_written} written, ${r.affiliate_deliveries_recorded} recorded delivered, ${r.affiliate_delivery_attempts_delivered} delivered attempts of ${r.affiliate_delivery_attempts}`],
    ['Affiliates: delivery rate', `${r.affiliate_delivery_per_s} notifications/s`, `first applied to last delivered: ${r.affiliate_delivery_seconds} s`],
  ];
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;
