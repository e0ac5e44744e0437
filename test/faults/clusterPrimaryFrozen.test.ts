// A shard's primary frozen (kill -STOP) past the cluster's node timeout during a burst, then resumed: the cluster
// promotes its replica meanwhile; the resumed node learns it lost its slots, rejoins as the new primary's replica
// and drops what it had not replicated (a write it took after resuming included). With ACK_REPLICAS=1 nothing
// acknowledged is lost: the shard answers 503, never 202, until a replica confirms again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redisCluster.js';
import { until, type RedisProcess } from '../helpers/redisProcess.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { answeredWithin, countByStatus } from './helpers/answerWindows.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { clusterEnv, primaryOfShard, SHARD_TAGS, shardKey, shardOfPlanned } from './helpers/onCluster.js';
import { startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

// Not shard 0, whose primary also holds the control slot: the other shards keep acknowledging.
const SHARD = 2;
const PROBE_KEY = `${SHARD_TAGS[SHARD]}:split-brain-probe`;

let cluster: RedisClusterFixture;
let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;
let probe: Redis | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1, nodeTimeoutMs: 5000 });
  s = await setUpScenario('9 cluster shard primary frozen past node timeout, ACK_REPLICAS=1', {
    env: clusterEnv(cluster, 1),
    servers: { redisEnv: cluster.env },
    shape: { postbacks: 8000 },
  });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
}, 180_000);

afterAll(async () => {
  probe?.disconnect();
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close();
  await cluster?.stop();
});

/** The node `node` replicates now (ROLE), or undefined while it is a primary. */
async function primaryPortOf(node: RedisProcess): Promise<number | undefined> {
  const role = (await node.command('ROLE')) as [string, string?, number?];
  return role[0] === 'slave' ? Number(role[2]) : undefined;
}

/** Whether `node` itself holds `key` (READONLY: a cluster replica answers reads of its primary's slots, not MOVED). */
async function holds(node: RedisProcess, key: string): Promise<boolean> {
  const redis = node.connect();
  try {
    await redis.connect();
    await redis.call('READONLY');
    return (await redis.exists(key)) === 1;
  } finally {
    redis.disconnect();
  }
}

it('loses no 202 when a shard primary freezes past the node timeout and resumes as a replica, dropping what it took meanwhile', async () => {
  const frozen = await primaryOfShard(cluster, SHARD);
  probe = frozen.connect();
  await probe.connect();
  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 250 });
  await whenFinished(burst, s.world.plan.length * 0.2);

  const frozenAt = Date.now();
  frozen.freeze();
  const promoted = await cluster.waitForFailover(shardKey(SHARD), frozen);
  const promotedAt = Date.now();
  // Written straight to the frozen node, as a client that still thinks it the primary would: it reads this the
  // moment it resumes, before or after it hears that its slots moved.
  const probed = probe.set(PROBE_KEY, 'taken by the old primary').then(() => 'accepted', (err: Error) => err.message.split(' ')[0]!);
  frozen.resume();
  const resumedAt = Date.now();
  await until('the resumed node to replicate the promoted one', async () => (await primaryPortOf(frozen)) === promoted.port);
  await cluster.waitUntilOk();
  const rejoinedAt = Date.now();
  expect(burst.finished(), 'the burst outlasts the failover').toBeLessThan(s.world.plan.length);
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  const shardOf = (a: (typeof burst.answers)[number]) => shardOfPlanned(s.world.plan, a);
  const whileAway = answeredWithin(burst.answers, frozenAt, resumedAt);
  const probeWrite = await probed;
  const probeKept = [await holds(promoted, PROBE_KEY), await holds(frozen, PROBE_KEY)];
  summary.notes = {
    ...summary.notes,
    seconds_frozen: Math.round((resumedAt - frozenAt) / 100) / 10,
    seconds_to_promotion: Math.round((promotedAt - frozenAt) / 100) / 10,
    seconds_resumed_to_rejoined: Math.round((rejoinedAt - resumedAt) / 100) / 10,
    [`shard_${SHARD}_answers_while_frozen`]: countByStatus(whileAway.filter((a) => shardOf(a) === SHARD)),
    write_to_the_resumed_old_primary: probeWrite,
    write_kept_after_rejoin: probeKept.some(Boolean),
  };
  recordSummary(summary);

  expectExactlyOnce(summary);
  expect(summary.deadLettered).toBe(0);
  expect(summary.connectionErrors).toEqual({});
  expect(burst.answers.filter((a) => a.status !== 202).every((a) => a.status === 503 && Number(a.retryAfter) > 0)).toBe(true);
  // Frozen, then promoted with no replica: nothing of the shard acknowledged until the old primary replicates again.
  expect(whileAway.filter((a) => shardOf(a) === SHARD && a.status === 202)).toHaveLength(0);
  expect(whileAway.filter((a) => shardOf(a) === SHARD && a.status === 503).length).toBeGreaterThan(0);
  expect(whileAway.filter((a) => shardOf(a) !== SHARD && a.status === 202).length).toBeGreaterThan(0);
  expect(burst.answers.filter((a) => a.startedAt > rejoinedAt && shardOf(a) === SHARD && a.status === 202).length).toBeGreaterThan(0);
  // Rejoined as a replica of the promoted node: whatever it took after resuming (MOVED, or accepted then dropped
  // with the rest of its data by the full sync from the new primary) is nowhere.
  expect(await primaryPortOf(frozen)).toBe(promoted.port);
  expect(probeKept).toEqual([false, false]);
});
