// Sentinel: one primary, one replica, three sentinels (`redis-server --sentinel`), ACK_REPLICAS=1. The primary is
// killed (SIGKILL) during a burst; the sentinels promote the replica. With no replica left, WAIT 1 cannot succeed
// until the killed node returns as the new primary's replica: the test restarts it, and the receiver answers 503,
// never 202, in between. Nothing acknowledged is lost, and the worker carries on through it all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisSentinel, type RedisSentinelFixture } from '../helpers/redisSentinel.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { answeredWithin, countByStatus } from './helpers/answerWindows.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

let sentinel: RedisSentinelFixture;
let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  sentinel = await startRedisSentinel({ downAfterMs: 4000 });
  s = await setUpScenario('10 Sentinel primary SIGKILLed, ACK_REPLICAS=1', {
    // Generous: two data nodes, three sentinels and the apps share two cores.
    env: { ...sentinel.env, ACK_REPLICAS: '1', ACK_REPLICA_TIMEOUT_MS: '1000' },
    servers: { redisEnv: sentinel.env },
    shape: { postbacks: 10000 },
  });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
}, 180_000);

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close();
  await sentinel?.stop();
});

it('applies every 202 exactly once across a Sentinel failover, answering 503 and never 202 until the killed node is a replica again', async () => {
  const former = await sentinel.primary();
  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 250 });
  await whenFinished(burst, s.world.plan.length * 0.15);

  const killedAt = Date.now();
  await former.crash();
  const promoted = await sentinel.waitForPromotion(former);
  const promotedAt = Date.now();
  // The promoted node alone for a while: WAIT 1 has no replica to count.
  await new Promise((r) => setTimeout(r, 3000));
  const restartedAt = Date.now();
  await former.restart();
  // The sentinels turn the returning node into the promoted one's replica; settled once it has synced.
  await sentinel.waitUntilSettled();
  const rejoinedAt = Date.now();
  expect(await sentinel.primary()).toBe(promoted);
  expect(burst.finished(), 'the burst outlasts the failover').toBeLessThan(s.world.plan.length);
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  const untilRestart = answeredWithin(burst.answers, killedAt, restartedAt);
  const promotedAlone = answeredWithin(burst.answers, promotedAt, restartedAt);
  summary.notes = {
    ...summary.notes,
    seconds_to_promotion: Math.round((promotedAt - killedAt) / 100) / 10,
    seconds_restarted_to_rejoined: Math.round((rejoinedAt - restartedAt) / 100) / 10,
    answers_until_restart: countByStatus(untilRestart),
    answers_promoted_without_replica: countByStatus(promotedAlone),
  };
  recordSummary(summary);

  expectExactlyOnce(summary);
  expect(summary.deadLettered).toBe(0);
  expect(summary.connectionErrors).toEqual({});
  expect(burst.answers.filter((a) => a.status !== 202).every((a) => a.status === 503 && Number(a.retryAfter) > 0)).toBe(true);
  expect(untilRestart.filter((a) => a.status === 202)).toHaveLength(0);
  // Not only while no primary was reachable: the promoted primary with no replica refused too.
  expect(promotedAlone.filter((a) => a.status === 503).length).toBeGreaterThan(0);
  // Acknowledging again once the killed node replicates the promoted one.
  expect(burst.answers.filter((a) => a.startedAt > rejoinedAt && a.status === 202).length).toBeGreaterThan(0);
});
