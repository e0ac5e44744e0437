// npm run bench [-- --quick] [-- --growth] [-- --prefill-rows=N] [-- --replicas] [-- --bulk] [-- --refusals] [-- --reports]
// [-- --affiliates]:
// the pipeline against this machine's own limits, side by side in one run. --growth runs only the drain on an empty
// and on a pre-filled log, and retention; --replicas only the ACK_REPLICAS phase (to bench/results-replicas.json);
// --bulk only the bulk rejections phase (to bench/results-bulk.json); --refusals only the refusal log's cost under a
// bad-key flood (to bench/results-refusals.json); --reports only the reports over pre-filled rollups (to
// bench/results-reports.json); --affiliates only the drain with affiliate postbacks off and on and their delivery rate
// (its fields merged into bench/results.json). Writes bench/results.json. See README "Performance" for what each figure means.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createFailFastRedis, loadConfig, PostbackShards } from '@postback/core';
import { Admission } from '../apps/receiver/dist/admission.js';
import { affiliateRows, benchAffiliates } from './affiliates.mjs';
import { EnqueueBatcher } from '../apps/receiver/dist/enqueueBatcher.js';
import { isPartitioned, maintainedLog } from './dayPartitions.mjs';
import { queueDrain, timeDrain } from './drain.mjs';
import { endToEnd } from './endToEnd.mjs';
import { benchBulk, bulkAlone } from './bulk.mjs';
import { burst, summarize } from './load.mjs';
import { benchRefusals, refusalRows } from './refusals.mjs';
import { pastDays, prefill } from './prefill.mjs';
import { benchReplicas, replicaRows } from './replicas.mjs';
import { benchReports, reportRows } from './reports.mjs';
import { retainOldestDay } from './retention.mjs';
import { settle } from './settle.mjs';
import { advertiserOf, createEmptyTwin, databaseUrl, dropAll, dropEmptyTwin, PREFIX, REASONS, REDIS_URL, seed } from './seed.mjs';
import { freePort, peakRssMb, startApp, startExpressFloor, waitForHttp } from './services.mjs';
import { printRows, printTable } from './table.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const growthOnly = args.includes('--growth');
const replicasOnly = args.includes('--replicas');
const prefillFlag = args.find((a) => a.startsWith('--prefill-rows='));
const PREFILL_ROWS = prefillFlag ? Number(prefillFlag.split('=')[1]) : quick ? 300_000 : 20_000_000;
if (!Number.isSafeInteger(PREFILL_ROWS) || PREFILL_ROWS < 90) throw new Error('--prefill-rows wants a whole number ≥ 90');
const bulkOnly = args.includes('--bulk');
const refusalsOnly = args.includes('--refusals');
const reportsOnly = args.includes('--reports');
const affiliatesOnly = args.includes('--affiliates');
// The reports' rollups stand for a 20-million-row log whatever the mode: they are a few rows per hour, fast to fill.
const REPORT_POSTBACKS = 20_000_000;
const CONNECTIONS = 64;
const SECONDS = quick ? 6 : 30;
const ROUNDS = 3;
const DRAIN = quick ? 20_000 : 200_000;
const E2E_POSTBACKS = quick ? 40_000 : 1_000_000;
// The pre-fill's span: the default retention, so that retention finds exactly its oldest day past the cutoff.
const GROWTH_DAYS = 90;
// Growth compares drains on the empty and the pre-filled log in this many rounds, the two taking turns.
const GROWTH_ROUNDS = 3;
// Conversions: a range of DRAIN for each SQL floor, drain and growth round, and twice that for the HTTP phases.
const CONVERSIONS = (2 * ROUNDS + GROWTH_ROUNDS + 2) * DRAIN;
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// Conversions tx-0 … tx-N-1 are split into disjoint ranges so that no phase sees another's effects; the SQL floor's
// rounds and the drains get ranges of the same size and shape. Each growth round drains its range in the pre-filled
// database and in its empty twin, which holds the same conversions.
const range = (from, to) => ({ from, to });
const rangesOfDrain = (first, count) => Array.from({ length: count }, (_, r) => range((first + r) * DRAIN, (first + r + 1) * DRAIN));
const RANGES = {
  sqlFloors: rangesOfDrain(0, ROUNDS),
  drains: rangesOfDrain(ROUNDS, ROUNDS),
  growthDrains: rangesOfDrain(2 * ROUNDS, GROWTH_ROUNDS),
  http: range((2 * ROUNDS + GROWTH_ROUNDS) * DRAIN, CONVERSIONS),
};
const randomIn = ({ from, to }) => from + Math.floor(Math.random() * (to - from));

const env = {
  DATABASE_URL: databaseUrl(),
  REDIS_URL,
  QUEUE_PREFIX: PREFIX,
  LOG_LEVEL: 'info',
  RATE_LIMIT_PER_KEY: '1000000000',
  KEY_REGISTRY_SYNC_MS: '600000',
  // The worker's batching and delivery settings of the calling shell pass through, so that one can be measured
  // before it becomes a default (WORKER_BATCH_SIZE=1000 npm run bench, DELIVERY_RATE_WHILE_DRAINING=50 …).
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(WORKER|DELIVERY)_/.test(name))),
};
const cfg = loadConfig(env);
// Node flags for the drains' worker process (as in affiliates.mjs), e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
const workerArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

async function main() {
  const mode = `${quick ? 'quick' : 'full'}${growthOnly ? ', growth only' : ''}`;
  const results = {
    quick, growth_only: growthOnly, connections: CONNECTIONS, seconds: SECONDS, conversions: CONVERSIONS, drain_jobs: DRAIN,
    worker_batch_size: cfg.WORKER_BATCH_SIZE, worker_batches_in_flight: cfg.WORKER_BATCHES_IN_FLIGHT,
  };
  log(`seeding ${CONVERSIONS} conversions`);
  const { keys } = await seed(CONVERSIONS);
  await maintainedLog(databaseUrl(), cfg);
  const keyOf = (i) => keys[advertiserOf(i) - 1];
  const httpPostback = () => {
    const i = randomIn(RANGES.http);
    return { key: keyOf(i), transactionId: `tx-${i}` };
  };
  const redis = new Redis(REDIS_URL);
  let db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  const queueRedis = createFailFastRedis(cfg);
  await new Promise((r) => queueRedis.once('ready', r));
  const shards = new PostbackShards(cfg, queueRedis, { role: 'bench' });
  const { queue } = shards.shard(shards.catalog.ownShards()[0]);
  const admission = new Admission(queueRedis, PREFIX, Number(env.RATE_LIMIT_PER_KEY), 1000);
  const batcher = new EnqueueBatcher(shards, admission);
  const workerRss = [];

  try {
    const drains = { batcher, workerRss };
    if (!growthOnly) {
      const receiver = await receiverRounds(results, httpPostback, redis);
      await queue.obliterate({ force: true });

      // The SQL floor (the same conditional rejections, straight to Postgres, 10,000 per statement) and the worker
      // drain (DRAIN postbacks queued the way the receiver queues them, then one worker process, on a log that holds
      // nothing else yet) in alternating rounds, as the receiver and its floor are: the machine's drift over the
      // minutes they take hits both alike. Each starts on a settled database.
      const drainRounds = [];
      for (let r = 0; r < ROUNDS; r++) {
        log(`sql floor, round ${r + 1} of ${ROUNDS}`);
        await settle(db, ['conversions']);
        const floorPerSecond = DRAIN / (await sqlFloor(db, RANGES.sqlFloors[r]));
        const what = `worker drain on an empty log, round ${r + 1} of ${ROUNDS}`;
        const { worker, perSecond } = await drain(drains, { url: databaseUrl(), db }, RANGES.drains[r], what);
        await worker.stop();
        drainRounds.push({ sql_floor_per_s: Math.round(floorPerSecond), drain_per_s: perSecond, ratio: round(perSecond / floorPerSecond, 3) });
      }
      const floorPerSecond = harmonicMean(drainRounds.map((r) => r.sql_floor_per_s));
      const drainPerSecond = harmonicMean(drainRounds.map((r) => r.drain_per_s));
      results.redis_completed_jobs_left = await queue.getCompletedCount();

      // End to end: E2E_POSTBACKS through the receiver at full speed while a worker runs.
      log(`end to end: ${E2E_POSTBACKS} postbacks`);
      const worker = startApp('worker', env, workerArgs);
      const e2e = await endToEnd({ url: receiver.url, connections: CONNECTIONS, amount: E2E_POSTBACKS, next: httpPostback, queue, db });
      workerRss.push(peakRssMb(worker.child.pid));
      results.receiver_rss_mb = Math.max(results.receiver_rss_mb, peakRssMb(receiver.app.child.pid));
      await receiver.app.stop();
      Object.assign(results, {
        sql_floor_per_s: Math.round(floorPerSecond),
        drain_per_s: Math.round(drainPerSecond),
        drain_ratio: round(drainPerSecond / floorPerSecond, 3),
        drain_rounds: drainRounds,
        e2e_sent: e2e.sent,
        e2e_acked: e2e.acked,
        e2e_applied: e2e.applied,
        e2e_lost: e2e.lost,
        e2e_ack_seconds: round(e2e.ackSeconds, 1),
        e2e_seconds_to_all_applied: round(e2e.allAppliedSeconds, 1),
        e2e_applied_ratio: round(e2e.allAppliedSeconds / e2e.ackSeconds, 2),
        e2e_burst_rps: Math.round(e2e.acked / e2e.ackSeconds),
      });
      await worker.stop();
    }

    // Growth's drains on an empty log run in a twin copied now, when the earlier phases are done with the database:
    // its conversions have been through the same updates and vacuums as the pre-filled side's (createEmptyTwin).
    await db.end();
    log('copying the database, its log emptied, for growth\'s drains on an empty log');
    const emptyTwinUrl = await createEmptyTwin();
    db = new pg.Client({ connectionString: databaseUrl() });
    await db.connect();
    await growth(results, { ...drains, db, emptyTwinUrl });
    results.worker_rss_mb = Math.max(...workerRss);

    if (!growthOnly) {
      // The drain with affiliate postbacks off and on, and their delivery rate (see affiliates.mjs); after growth, so
      // that its rows do not weigh on the growth figures, and both sides of it drain on the same pre-filled log.
      Object.assign(results, await benchAffiliates({ quick, env, log }));
      // Reports over 31 days of rollups (see reports.mjs).
      Object.assign(results, await benchReports({ databaseUrl: databaseUrl(), env, postbacks: REPORT_POSTBACKS, log }));
      // Bulk rejections: rows/s from upload to applied, beside the live drain (see bulk.mjs).
      Object.assign(results, await benchBulk({ quick, env, log }));
      // What ACK_REPLICAS costs, on a primary + replica of the bench's own (see replicas.mjs).
      log('receiver on a primary + replica, ACK_REPLICAS 0 and 1');
      results.replicas = await benchReplicas({ connections: CONNECTIONS, seconds: SECONDS / ROUNDS, rounds: ROUNDS, env, log });
    }
  } finally {
    await shards.close();
    queueRedis.disconnect();
    redis.disconnect();
    await db.end();
    await dropAll();
  }
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results, { mode, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS });
}

/**
 * The Express floor and the real receiver (key check, validation, rate limiter, access log, durable enqueue), each
 * in its own process, measured in alternating rounds under the same load so that the machine's drift hits both
 * alike; each figure is the median of its rounds. Leaves the receiver running.
 */
async function receiverRounds(results, httpPostback, redis) {
  log('express floor and receiver, alternating rounds');
  const floor = await startExpressFloor();
  const port = await freePort();
  const app = startApp('receiver', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`);
  const floorRuns = [];
  const receiverRuns = [];
  for (const u of [floor.url, url]) await burst({ url: u, connections: CONNECTIONS, seconds: 1, next: httpPostback });
  // No worker runs yet, so what the receiver stores stays in Redis: memory per queued postback, as the receiver
  // really stores them (batched per event-loop turn), is measured over these rounds.
  const memoryBeforeRounds = await usedMemory(redis);
  let storedInRounds = 0;
  for (let i = 0; i < ROUNDS; i++) {
    floorRuns.push(summarize((await burst({ url: floor.url, connections: CONNECTIONS, seconds: SECONDS / ROUNDS, next: httpPostback })).result));
    const run = await burst({ url, connections: CONNECTIONS, seconds: SECONDS / ROUNDS, next: httpPostback });
    storedInRounds += run.acknowledged.length;
    receiverRuns.push(summarize(run.result));
  }
  results.redis_bytes_per_job = Math.round((await usedMemory(redis) - memoryBeforeRounds) / storedInRounds);
  await floor.stop();
  const floorRun = median(floorRuns, 'rps');
  const receiverRun = median(receiverRuns, 'rps');
  Object.assign(results, {
    express_floor_rps: floorRun.rps,
    receiver_rps: receiverRun.rps,
    receiver_ratio: round(receiverRun.rps / floorRun.rps, 3),
    ack_p50_ms: receiverRun.p50,
    ack_p99_ms: receiverRun.p99,
    receiver_non2xx: receiverRuns.reduce((a, r) => a + r.non2xx, 0),
    receiver_errors: receiverRuns.reduce((a, r) => a + r.errors + r.timeouts, 0),
    rounds: floorRuns.map((f, i) => ({ express_floor_rps: f.rps, receiver_rps: receiverRuns[i].rps, ack_p99_ms: receiverRuns[i].p99 })),
    receiver_rss_mb: peakRssMb(app.child.pid),
  });
  return { app, url };
}

/** Seconds to reject the conversions of `range` in plain SQL, 10,000 per statement. */
async function sqlFloor(db, { from, to }) {
  const start = performance.now();
  for (let i = from; i < to; i += 10_000) {
    const ids = [];
    const reasons = [];
    for (let j = i; j < Math.min(i + 10_000, to); j++) {
      ids.push(`tx-${j}`);
      reasons.push(REASONS[j % REASONS.length]);
    }
    await db.query(
      `UPDATE conversions c SET status = 'rejected', rejected_reason = v.reason, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS v(tx, reason)
       WHERE c.transaction_id = v.tx AND (c.status <> 'rejected' OR c.rejected_reason IS DISTINCT FROM v.reason)`,
      [ids, reasons],
    );
  }
  return (performance.now() - start) / 1000;
}

/**
 * Queues DRAIN postbacks for the conversions of `range`, settles `target`'s database and starts a worker on it; returns
 * the worker, still running, and its rate (timeDrain). The settling (VACUUM ANALYZE of conversions, a checkpoint)
 * leaves no earlier phase's writes to be paid during the measurement.
 */
async function drain({ batcher, workerRss }, target, range, what) {
  log(`${what}: queueing ${DRAIN}`);
  const since = await queueDrain(batcher, range);
  await settle(target.db, ['conversions']);
  log(`${what}: draining`);
  const worker = startApp('worker', { ...env, DATABASE_URL: target.url }, workerArgs);
  const perSecond = await timeDrain(target.db, { since, count: DRAIN });
  workerRss.push(peakRssMb(worker.child.pid));
  return { worker, perSecond };
}

/**
 * Growth: months of history pre-filled in SQL, then the drain on the pre-filled log and on an empty one in
 * alternating rounds (see RANGES), then retention of the oldest day. The empty log is a twin of the database copied
 * just before the pre-fill with its log emptied (createEmptyTwin), so both sides of a round reject the same conversions
 * from the same pages, a minute apart: on this shared machine the same code's rate moves by up to a fifth within the
 * hour, so one drain before the pre-fill and one after it measured that drift as much as the history (ratios 0.83 to
 * 1.22 over nine runs until 2026-12-02). Each side's rate is its drains' together (their postbacks over their time:
 * the harmonic mean of their rates), and the ratio is the pre-filled side's over the empty side's. The sides take
 * turns (empty, pre-filled, empty, …), so each drain but the first follows one on the other database. A twin copied
 * right after the seeding lacked the earlier phases' updates of `conversions` (the floor's, the drains' and the
 * burst's, each vacuumed after): in four of its five full runs the third round gave the lowest ratio (0.777–0.889),
 * and two of those missed 0.90; copied after them, three full runs gave 0.943, 0.925 and 0.965 (README, "The empty
 * twin copied after the burst").
 */
async function growth(results, { db, emptyTwinUrl, ...drains }) {
  const days = pastDays(GROWTH_DAYS);
  const filled = await prefill(databaseUrl(), { rows: PREFILL_ROWS, days, log });
  log(`pre-filled in ${filled.insertSeconds.toFixed(1)} s, VACUUM ANALYZE ${filled.vacuumSeconds.toFixed(1)} s`);
  const twin = new pg.Client({ connectionString: emptyTwinUrl });
  await twin.connect();
  const sides = { empty: { url: emptyTwinUrl, db: twin }, full: { url: databaseUrl(), db } };
  const rounds = [];
  try {
    for (const [r, range] of RANGES.growthDrains.entries()) {
      const rates = {};
      for (const side of ['empty', 'full']) {
        const what = `growth round ${r + 1} of ${GROWTH_ROUNDS}: worker drain on the ${side === 'empty' ? 'empty' : 'pre-filled'} log`;
        const { worker, perSecond } = await drain(drains, sides[side], range, what);
        await worker.stop();
        rates[side] = perSecond;
      }
      rounds.push({ empty_log_per_s: rates.empty, full_log_per_s: rates.full, ratio: round(rates.full / rates.empty, 3) });
    }
  } finally {
    await twin.end();
    await dropEmptyTwin();
  }
  const empty = harmonicMean(rounds.map((r) => r.empty_log_per_s));
  const full = harmonicMean(rounds.map((r) => r.full_log_per_s));
  log('retention of the oldest day');
  const retention = await retainOldestDay(databaseUrl(), cfg, days[0]);
  Object.assign(results, {
    postback_log_shape: (await isPartitioned(db)) ? 'partitioned' : 'plain',
    growth_prefill_rows: filled.rows,
    growth_history_rows: filled.historyRows,
    growth_prefill_seconds: round(filled.insertSeconds, 1),
    growth_vacuum_seconds: round(filled.vacuumSeconds, 1),
    drain_empty_log_per_s: Math.round(empty),
    drain_full_log_per_s: Math.round(full),
    growth_drain_ratio: round(full / empty, 3),
    growth_rounds: rounds,
    retention_day_rows: retention.rows,
    retention_day_seconds: round(retention.seconds, 2),
  });
  if (retention.rows !== filled.rowsPerDay) log(`retention removed ${retention.rows} rows, the oldest day held ${filled.rowsPerDay}`);
}

async function usedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The rate of equal amounts of work done at each of `rates`, one after the other. */
const harmonicMean = (rates) => rates.length / rates.reduce((sum, r) => sum + 1 / r, 0);

/** The run whose `field` is the median of the runs. */
function median(runs, field) {
  return [...runs].sort((a, b) => a[field] - b[field])[Math.floor(runs.length / 2)];
}

/** `--replicas`: only the ACK_REPLICAS phase, without the database or the machine's Redis. */
async function replicasAlone() {
  const replicas = await benchReplicas({ connections: CONNECTIONS, seconds: SECONDS / ROUNDS, rounds: ROUNDS, env, log });
  writeFileSync(new URL('./results-replicas.json', import.meta.url), `${JSON.stringify({ quick, connections: CONNECTIONS, replicas }, null, 2)}\n`);
  const title = `ACK_REPLICAS benchmark (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS / ROUNDS} s, medians`;
  printRows(title, replicaRows(replicas), 'bench/results-replicas.json');
}

/** `--refusals`: only the refusal log's cost under a flood of bad keys (receivers and Redis, no database). */
async function refusalsAlone() {
  const refusals = await benchRefusals({ connections: CONNECTIONS, seconds: SECONDS / ROUNDS, rounds: ROUNDS, env, log });
  writeFileSync(new URL('./results-refusals.json', import.meta.url), `${JSON.stringify({ quick, connections: CONNECTIONS, refusals }, null, 2)}\n`);
  const title = `Refusal log benchmark (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS / ROUNDS} s, medians`;
  printRows(title, refusalRows(refusals), 'bench/results-refusals.json');
}

/** `--reports`: only the reports, on a seeded database of their own. */
async function reportsAlone() {
  log('seeding the advertisers and offers');
  await seed(1000);
  try {
    const results = { quick, ...(await benchReports({ databaseUrl: databaseUrl(), env, postbacks: REPORT_POSTBACKS, log })) };
    writeFileSync(new URL('./results-reports.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    printRows('Reports benchmark: GET /admin/reports/rejections over rollups of a 20-million-row log', reportRows(results), 'bench/results-reports.json');
  } finally {
    await dropAll();
  }
}

/**
 * `--affiliates`: only the affiliate phase, on a database of its own seeded with the offers; its fields replace
 * those of bench/results.json's last run (the other figures stay as they were).
 */
async function affiliatesAlone() {
  await seed(0);
  try {
    const figures = { affiliate_quick: quick, ...(await benchAffiliates({ quick, env, log })) };
    const file = new URL('./results.json', import.meta.url);
    const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    writeFileSync(file, `${JSON.stringify({ ...previous, ...figures }, null, 2)}\n`);
    printRows(`Affiliate postbacks benchmark (${quick ? 'quick' : 'full'}): ${figures.affiliate_drain_postbacks} postbacks per drain`, affiliateRows(figures), 'bench/results.json');
  } finally {
    await dropAll();
  }
}

await (affiliatesOnly
  ? affiliatesAlone()
  : refusalsOnly
  ? refusalsAlone()
  : replicasOnly
  ? replicasAlone()
  : bulkOnly
    ? bulkAlone({ quick, env, log, printRows })
    : reportsOnly
      ? reportsAlone()
      : main());
process.exit(0);
