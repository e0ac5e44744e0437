// npm run bench [-- --quick] [-- --replicas] [-- --bulk]: the pipeline against this machine's own limits, side by side in one run.
// Writes bench/results.json (--replicas: only the ACK_REPLICAS phase, to bench/results-replicas.json; --bulk: only
// the bulk rejections phase, to bench/results-bulk.json). See README
// "Performance" for what each figure means.
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createFailFastRedis, loadConfig, PostbackShards } from '@postback/core';
import { Admission } from '../apps/receiver/dist/admission.js';
import { EnqueueBatcher } from '../apps/receiver/dist/enqueueBatcher.js';
import { benchBulk, bulkAlone, bulkRows } from './bulk.mjs';
import { burst, summarize } from './load.mjs';
import { benchReplicas, replicaRows } from './replicas.mjs';
import { advertiserOf, databaseUrl, dropAll, PREFIX, REDIS_URL, seed } from './seed.mjs';
import { freePort, peakRssMb, startApp, startExpressFloor, waitForHttp } from './services.mjs';

const quick = process.argv.includes('--quick');
const replicasOnly = process.argv.includes('--replicas');
const bulkOnly = process.argv.includes('--bulk');
const CONNECTIONS = 64;
const SECONDS = quick ? 6 : 30;
const ROUNDS = 3;
const CONVERSIONS = quick ? 100_000 : 1_000_000;
const DRAIN = quick ? 20_000 : 200_000;
const REASONS = ['bot_traffic', 'duplicate', 'chargeback', 'fraud', 'invalid_lead'];
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// Conversions tx-0 … tx-N-1 are split into disjoint ranges so that no phase sees another's effects.
const range = (from, to) => ({ from, to });
const RANGES = {
  sqlFloor: range(0, DRAIN),
  drain: range(DRAIN, 2 * DRAIN),
  http: range(2 * DRAIN, CONVERSIONS),
};
const randomIn = ({ from, to }) => from + Math.floor(Math.random() * (to - from));

const env = {
  DATABASE_URL: databaseUrl(),
  REDIS_URL,
  QUEUE_PREFIX: PREFIX,
  LOG_LEVEL: 'info',
  RATE_LIMIT_PER_KEY: '1000000000',
  KEY_REGISTRY_SYNC_MS: '600000',
};
const cfg = loadConfig(env);

async function main() {
  const results = { quick, connections: CONNECTIONS, seconds: SECONDS, conversions: CONVERSIONS, drain_jobs: DRAIN };
  log(`seeding ${CONVERSIONS} conversions`);
  const { keys } = await seed(CONVERSIONS);
  const keyOf = (i) => keys[advertiserOf(i) - 1];
  const httpPostback = () => {
    const i = randomIn(RANGES.http);
    return { key: keyOf(i), transactionId: `tx-${i}` };
  };
  const redis = new Redis(REDIS_URL);
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();

  try {
    // 1 and 2. The Express floor and the real receiver (key check, validation, rate limiter, access log, durable
    // enqueue), each in its own process, measured in alternating rounds under the same load so that the machine's
    // drift hits both alike; each figure is the median of its rounds.
    log('1-2/6 express floor and receiver, alternating rounds');
    const floor = await startExpressFloor();
    const port = await freePort();
    const receiver = startApp('receiver', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    const receiverUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${receiverUrl}/readyz`);
    const floorRuns = [];
    const receiverRuns = [];
    for (const url of [floor.url, receiverUrl]) await burst({ url, connections: CONNECTIONS, seconds: 1, next: httpPostback });
    // No worker runs yet, so what the receiver stores stays in Redis: memory per queued postback, as the receiver
    // really stores them (batched per event-loop turn), is measured over these rounds.
    const memoryBeforeRounds = await usedMemory(redis);
    let storedInRounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      floorRuns.push(summarize((await burst({ url: floor.url, connections: CONNECTIONS, seconds: SECONDS / ROUNDS, next: httpPostback })).result));
      const run = await burst({ url: receiverUrl, connections: CONNECTIONS, seconds: SECONDS / ROUNDS, next: httpPostback });
      storedInRounds += run.acknowledged.length;
      receiverRuns.push(summarize(run.result));
    }
    results.redis_bytes_per_job = Math.round((await usedMemory(redis) - memoryBeforeRounds) / storedInRounds);
    await floor.stop();
    const floorRun = median(floorRuns, 'rps');
    const receiverRun = median(receiverRuns, 'rps');
    results.rounds = floorRuns.map((f, i) => ({ express_floor_rps: f.rps, receiver_rps: receiverRuns[i].rps, ack_p99_ms: receiverRuns[i].p99 }));
    results.receiver_rss_mb = peakRssMb(receiver.child.pid);
    const queueRedis = createFailFastRedis(REDIS_URL);
    await new Promise((r) => queueRedis.once('ready', r));
    const shards = new PostbackShards(cfg, queueRedis, { role: 'bench' });
    const { queue } = shards.shard(shards.catalog.ownShards()[0]);
    await queue.obliterate({ force: true });

    // 3. SQL floor: the same conditional rejections, straight to Postgres, 10,000 per statement.
    log('3/6 sql floor');
    const sqlStart = performance.now();
    for (let i = RANGES.sqlFloor.from; i < RANGES.sqlFloor.to; i += 10_000) {
      const ids = [];
      const reasons = [];
      for (let j = i; j < Math.min(i + 10_000, RANGES.sqlFloor.to); j++) {
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
    const sqlSeconds = (performance.now() - sqlStart) / 1000;

    // 4. Worker drain: DRAIN postbacks queued the way the receiver queues them, then one worker process.
    log(`4/6 worker drain: queueing ${DRAIN}`);
    const admission = new Admission(queueRedis, PREFIX, Number(env.RATE_LIMIT_PER_KEY), 1000);
    const batcher = new EnqueueBatcher(shards, admission);
    for (let i = RANGES.drain.from; i < RANGES.drain.to; i += 10_000) {
      const chunk = [];
      for (let j = i; j < Math.min(i + 10_000, RANGES.drain.to); j++) {
        chunk.push(batcher.admitAndEnqueue({
          endpointId: advertiserOf(j), scope: { kind: 'global', advertiserId: advertiserOf(j), offerId: null },
          transactionId: `tx-${j}`, reason: REASONS[j % REASONS.length], receivedAt: Date.now(),
        }));
      }
      await Promise.all(chunk);
    }
    log('4/6 worker drain: draining');
    const worker = startApp('worker', env);
    await waitFor(async () => (await count(db, 'SELECT count(*) FROM postback_log')) >= DRAIN, 600_000);
    const { rows: [span] } = await db.query(
      'SELECT extract(epoch FROM max(processed_at) - min(processed_at)) AS seconds FROM postback_log',
    );
    const drainSeconds = Number(span.seconds);
    results.worker_rss_mb_after_drain = peakRssMb(worker.child.pid);
    results.redis_completed_jobs_left = await queue.getCompletedCount();

    // 5. End to end: a burst at full speed through the receiver while the worker runs.
    log('5/6 end to end');
    const logged = await count(db, 'SELECT count(*) FROM postback_log');
    const e2eStart = performance.now();
    const e2e = await burst({ url: receiverUrl, connections: CONNECTIONS, seconds: SECONDS, next: httpPostback });
    const burstSeconds = (performance.now() - e2eStart) / 1000;
    await waitFor(async () => (await count(db, 'SELECT count(*) FROM postback_log')) >= logged + e2e.acknowledged.length, 600_000);
    const e2eSeconds = (performance.now() - e2eStart) / 1000;
    const applied = await count(db, 'SELECT count(*) FROM postback_log WHERE postback_id = ANY($1::uuid[])', [e2e.acknowledged]);
    results.worker_rss_mb = peakRssMb(worker.child.pid);
    results.receiver_rss_mb = Math.max(results.receiver_rss_mb, peakRssMb(receiver.child.pid));
    await Promise.all([worker.stop(), receiver.stop()]);
    await shards.layouts.leave();
    await shards.close();

    Object.assign(results, {
      express_floor_rps: floorRun.rps,
      receiver_rps: receiverRun.rps,
      receiver_ratio: round(receiverRun.rps / floorRun.rps, 3),
      ack_p50_ms: receiverRun.p50,
      ack_p99_ms: receiverRun.p99,
      receiver_non2xx: receiverRuns.reduce((a, r) => a + r.non2xx, 0),
      receiver_errors: receiverRuns.reduce((a, r) => a + r.errors + r.timeouts, 0),
      sql_floor_per_s: Math.round(DRAIN / sqlSeconds),
      drain_per_s: Math.round(DRAIN / drainSeconds),
      drain_ratio: round(DRAIN / drainSeconds / (DRAIN / sqlSeconds), 3),
      e2e_sent: e2e.result.requests.total,
      e2e_acked: e2e.acknowledged.length,
      e2e_applied: applied,
      e2e_lost: e2e.acknowledged.length - applied,
      e2e_burst_rps: Math.round(e2e.acknowledged.length / burstSeconds),
      e2e_seconds_to_all_applied: round(e2eSeconds, 1),
    });
    results.worker_rss_mb = Math.max(results.worker_rss_mb, results.worker_rss_mb_after_drain);
    delete results.worker_rss_mb_after_drain;

    // Bulk rejections: rows/s from upload to applied, beside the live drain (see bulk.mjs).
    Object.assign(results, await benchBulk({ quick, env, log }));

    // 6. What ACK_REPLICAS costs, on a primary + replica of the bench's own (see replicas.mjs).
    log('6/6 receiver on a primary + replica, ACK_REPLICAS 0 and 1');
    results.replicas = await benchReplicas({ connections: CONNECTIONS, seconds: SECONDS / ROUNDS, rounds: ROUNDS, env, log });
  } finally {
    redis.disconnect();
    await db.end();
    await dropAll();
  }
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

async function usedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function count(db, sql, params = []) {
  return Number((await db.query(sql, params)).rows[0].count);
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The run whose `field` is the median of the runs. */
function median(runs, field) {
  return [...runs].sort((a, b) => a[field] - b[field])[Math.floor(runs.length / 2)];
}

function printTable(r) {
  const rows = [
    ['Express floor (bare app, 200)', `${r.express_floor_rps} req/s`, ''],
    ['Receiver (whole middleware + durable enqueue)', `${r.receiver_rps} req/s`, `ratio ${r.receiver_ratio} (target ≥ 0.80)`],
    ['Ack latency p50 / p99', `${r.ack_p50_ms} / ${r.ack_p99_ms} ms`, 'p99 target ≤ 25 ms'],
    ['SQL floor (batched UPDATE, 10k/statement)', `${r.sql_floor_per_s} rows/s`, ''],
    ['Worker drain (1 process)', `${r.drain_per_s} postbacks/s`, `ratio ${r.drain_ratio} (target ≥ 0.15, and > receiver)`],
    ['End to end: acked / applied / lost', `${r.e2e_acked} / ${r.e2e_applied} / ${r.e2e_lost}`, `all applied ${r.e2e_seconds_to_all_applied} s after the burst began`],
    ['Redis bytes per queued postback', `${r.redis_bytes_per_job}`, 'target ≤ 1000; completed jobs left: ' + r.redis_completed_jobs_left],
    ['Peak RSS receiver / worker', `${r.receiver_rss_mb} / ${r.worker_rss_mb} MB`, ''],
    ...bulkRows(r),
    ...replicaRows(r.replicas),
  ];
  printRows(
    `Postback Pipeline benchmark (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${SECONDS} s of load each for floor and receiver (${ROUNDS} alternating rounds, medians), ${DRAIN} queued postbacks, ${CONVERSIONS} conversions`,
    rows,
    'bench/results.json',
  );
}

function printRows(title, rows, file) {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`\n${title}\n`);
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(w[i])).join('  │  '));
  console.log(`\nwritten to ${file}`);
}

/** `--replicas`: only phase 6, without the database or the machine's Redis. */
async function replicasAlone() {
  const replicas = await benchReplicas({ connections: CONNECTIONS, seconds: SECONDS / ROUNDS, rounds: ROUNDS, env, log });
  writeFileSync(new URL('./results-replicas.json', import.meta.url), `${JSON.stringify({ quick, connections: CONNECTIONS, replicas }, null, 2)}\n`);
  const title = `ACK_REPLICAS benchmark (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS / ROUNDS} s, medians`;
  printRows(title, replicaRows(replicas), 'bench/results-replicas.json');
}

await (replicasOnly ? replicasAlone() : bulkOnly ? bulkAlone({ quick, env, log, printRows }) : main());
process.exit(0);
