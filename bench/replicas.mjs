// What ACK_REPLICAS costs: the receiver on a primary + replica of the bench's own, with ACK_REPLICAS 0 and 1, and on
// a Redis Cluster of its own (3 primaries + 3 replicas, cluster.mjs) with QUEUE_SHARDS=3 and ACK_REPLICAS=1, beside
// the Express floor, in alternating rounds under the same load. Run within `npm run bench`, or alone with
// `npm run bench -- --replicas`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { generateEndpointKey, hashEndpointKey, KeyRegistry } from '@postback/core';
import { clusterWaitCalls, registerClusterKeys, startCluster } from './cluster.mjs';
import { burst, summarize } from './load.mjs';
import { ADVERTISERS, PREFIX } from './seed.mjs';
import { freePort, startApp, startExpressFloor, waitForHttp } from './services.mjs';

/**
 * Floor, receiver with ACK_REPLICAS=0, receiver with ACK_REPLICAS=1 (both on the primary + replica) and the cluster
 * receiver take turns, `rounds` times, `seconds` each; each figure is the median round, and the ratios of every
 * round are kept for the spread.
 */
export async function benchReplicas({ connections, seconds, rounds, env, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-replicas-'));
  const servers = [];
  const apps = [];
  try {
    const primary = await startRedis(dir, servers, []);
    const replica = await startRedis(dir, servers, ['--replicaof', '127.0.0.1', String(primary.port)]);
    await inSync(primary, replica);
    const keys = await registerKeys(primary.url);
    const cluster = await startCluster((extra) => startRedis(dir, servers, extra));
    const clusterKeys = await registerClusterKeys(cluster);
    let tx = 0;
    const next = () => ({ key: keys[tx % keys.length], transactionId: `rtx-${(tx += 1)}` });
    const nextOnCluster = () => ({ key: clusterKeys[tx % clusterKeys.length], transactionId: `rtx-${(tx += 1)}` });
    const nextFor = (name) => (name === 'cluster' ? nextOnCluster : next);

    const floor = await startExpressFloor();
    apps.push(floor);
    const targets = { floor: floor.url };
    for (const replicas of [0, 1]) {
      const port = await freePort();
      const app = startApp('receiver', { ...env, REDIS_URL: primary.url, ACK_REPLICAS: String(replicas), PORT: String(port), HOST: '127.0.0.1' });
      apps.push(app);
      targets[`ack${replicas}`] = `http://127.0.0.1:${port}`;
      await waitForHttp(`${targets[`ack${replicas}`]}/readyz`);
    }
    const clusterPort = await freePort();
    const onCluster = { ...env, ...cluster.env, QUEUE_SHARDS: '3', ACK_REPLICAS: '1', PORT: String(clusterPort), HOST: '127.0.0.1' };
    apps.push(startApp('receiver', onCluster));
    targets.cluster = `http://127.0.0.1:${clusterPort}`;
    await waitForHttp(`${targets.cluster}/readyz`);

    const acknowledged = {};
    for (const [name, url] of Object.entries(targets)) acknowledged[name] = (await burst({ url, connections, seconds: 1, next: nextFor(name) })).acknowledged.length;
    const runs = { floor: [], ack0: [], ack1: [], cluster: [] };
    const receivers = ['ack0', 'ack1', 'cluster'];
    for (let round = 0; round < rounds; round++) {
      // The receivers take turns in first place after the floor, so none always follows the floor (or another's backlog).
      const order = ['floor', ...receivers.slice(round % 3), ...receivers.slice(0, round % 3)];
      for (const [name, url] of order.map((n) => [n, targets[n]])) {
        log(`replicas: round ${round + 1}/${rounds} ${name}`);
        const run = await burst({ url, connections, seconds, next: nextFor(name) });
        runs[name].push(summarize(run.result));
        acknowledged[name] += run.acknowledged.length;
      }
    }
    // Only the ACK_REPLICAS=1 receivers send WAIT: one per enqueue turn (on a cluster, per primary the turn stored
    // on), however many postbacks the turn holds.
    const waits = Number(/cmdstat_wait:calls=(\d+)/.exec(await info(primary.url, 'commandstats'))?.[1] ?? 0);
    const clusterWaits = await clusterWaitCalls(cluster);
    return {
      ...summarizeRuns(runs),
      primary_wait_calls: waits,
      ack1_postbacks_per_wait: round(acknowledged.ack1 / waits, 1),
      cluster_wait_calls_per_primary: clusterWaits.perPrimary,
      cluster_postbacks_per_wait: round(acknowledged.cluster / clusterWaits.total, 1),
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    for (const s of servers) s.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarizeRuns(runs) {
  const floor = median(runs.floor);
  const figures = (name) => {
    const m = median(runs[name]);
    const ratios = runs[name].map((r, i) => round(r.rps / runs.floor[i].rps, 3));
    return {
      rps: m.rps,
      ratio: round(m.rps / floor.rps, 3),
      ratios,
      p50_ms: m.p50,
      p99_ms: m.p99,
      // Latency under the same load as multiples of the floor's (its answer is immediate: what is left is queueing).
      p50_vs_floor: round(m.p50 / floor.p50, 2),
      p99_vs_floor: round(m.p99 / floor.p99, 2),
      p99_ms_rounds: runs[name].map((r) => r.p99),
      non2xx: runs[name].reduce((a, r) => a + r.non2xx, 0),
      errors: runs[name].reduce((a, r) => a + r.errors + r.timeouts, 0),
    };
  };
  return {
    express_floor_rps: floor.rps,
    express_floor_p50_ms: floor.p50,
    express_floor_p99_ms: floor.p99,
    ack0: figures('ack0'),
    ack1: figures('ack1'),
    cluster: figures('cluster'),
  };
}

/** The rows `npm run bench` prints for this phase. */
export function replicaRows(r) {
  if (r === undefined) return [];
  const row = (label, f) => [
    label,
    `${f.rps} req/s, p50 / p99 ${f.p50_ms} / ${f.p99_ms} ms`,
    `ratio ${f.ratio} (rounds ${f.ratios.join(', ')}); p50 / p99 × ${f.p50_vs_floor} / ${f.p99_vs_floor} the floor's`,
  ];
  return [
    ['Primary + replica: Express floor', `${r.express_floor_rps} req/s, p50 / p99 ${r.express_floor_p50_ms} / ${r.express_floor_p99_ms} ms`, ''],
    row('  receiver, ACK_REPLICAS=0', r.ack0),
    row('  receiver, ACK_REPLICAS=1 (WAIT 1)', r.ack1),
    ['  postbacks acknowledged per WAIT', `${r.ack1_postbacks_per_wait}`, `${r.primary_wait_calls} WAITs`],
    row('Cluster 3 × 2: receiver, QUEUE_SHARDS=3, ACK_REPLICAS=1', r.cluster),
    ['  postbacks acknowledged per WAIT', `${r.cluster_postbacks_per_wait}`, `WAITs per primary ${r.cluster_wait_calls_per_primary.join(' / ')}`],
  ];
}

// The receiver's Redis as compose runs it (append-only file, fsync on every write), for primary, replica and cluster
// nodes alike.
async function startRedis(dir, servers, extra) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
  args.push('--appendfilename', `${port}.aof`, '--appenddirname', `aof-${port}`, '--dbfilename', `${port}.rdb`, '--save', '');
  // No automatic AOF rewrite: its fork would land in whichever round grows the file past the threshold.
  args.push('--auto-aof-rewrite-percentage', '0', '--repl-diskless-sync-delay', '0', '--logfile', join(dir, `${port}.log`), ...extra);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  servers.push(child);
  const url = `redis://127.0.0.1:${port}`;
  await until(async () => (await info(url, 'server')).includes('redis_version'), `redis on ${port}`);
  return { port, url };
}

async function inSync(primary, replica) {
  await until(async () => /slave0:.*state=online/.test(await info(primary.url, 'replication')) && /master_link_status:up/.test(await info(replica.url, 'replication')), 'the replica to be in sync');
}

/** One global rejection URL per advertiser, in the own primary's key registry (the receiver needs no Postgres). */
async function registerKeys(url) {
  const redis = new Redis(url);
  try {
    const registry = new KeyRegistry(redis, PREFIX);
    const keys = [];
    for (let a = 1; a <= ADVERTISERS; a++) {
      const key = generateEndpointKey();
      await registry.register({ endpointId: a, keyHash: hashEndpointKey(key), scope: { kind: 'global', advertiserId: a, offerId: null } });
      keys.push(key);
    }
    return keys;
  } finally {
    redis.disconnect();
  }
}

async function info(url, section) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.info(section);
  } catch {
    return '';
  } finally {
    redis.disconnect();
  }
}

async function until(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (runs) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
