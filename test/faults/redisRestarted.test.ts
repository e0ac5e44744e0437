import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppProcess } from '../helpers/spawnApp.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { OwnRedis } from './helpers/ownServers.js';
import { startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

let redis: OwnRedis;
let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  redis = await OwnRedis.create();
  s = await setUpScenario('4 Redis crashed (SIGKILL) and restarted, AOF', { servers: { redisUrl: redis.url } });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close().catch(() => undefined);
  await redis?.remove();
});

it('keeps every postback answered 202 across a Redis crash, and answers 503 with Retry-After, never 202, while it is away', async () => {
  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 600 });
  await whenFinished(burst, s.world.plan.length * 0.3);
  await redis.crash();
  const downAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const restartingAt = Date.now();
  await redis.start();
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  const acknowledgedBeforeCrash = burst.answers.filter((a) => a.status === 202 && a.endedAt <= downAt);
  // A 202 needs Redis to have stored the job: none may start after the crash and end before the restart.
  const acknowledgedWhileDown = burst.answers.filter((a) => a.status === 202 && a.startedAt > downAt && a.endedAt < restartingAt);
  const refusals = burst.answers.filter((a) => a.status !== undefined && a.status !== 202);
  summary.notes = {
    ...summary.notes,
    acknowledged_before_crash: acknowledgedBeforeCrash.length,
    acknowledged_while_down: acknowledgedWhileDown.length,
    answered_503_while_down: refusals.filter((a) => a.status === 503 && a.startedAt > downAt && a.endedAt < restartingAt).length,
  };
  recordSummary(summary);
  expectExactlyOnce(summary);
  expect(acknowledgedBeforeCrash.length).toBeGreaterThan(0);
  expect(acknowledgedWhileDown).toHaveLength(0);
  expect(summary.notes.answered_503_while_down).toBeGreaterThan(0);
  expect(refusals.every((a) => a.status === 503 && Number(a.retryAfter) > 0)).toBe(true);
  expect(summary.connectionErrors).toEqual({});
  expect(summary.deadLettered).toBe(0);
});
