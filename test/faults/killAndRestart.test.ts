import { afterAll, beforeAll, expect, it } from 'vitest';
import { onlyShard } from '../helpers/pipeline.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { crash, startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

let s: Scenario;
let receivers: ReceiverProcess[] = [];
let workers: AppProcess[] = [];

beforeAll(async () => {
  s = await setUpScenario('2 two workers + two receivers, one of each SIGKILLed', { shape: { postbacks: 8000 } });
  receivers = await Promise.all([0, 1].map(() => startReceiverProcess(s.t.env)));
  workers = await Promise.all([0, 1].map(() => startWorkerProcess(s.t.env)));
});

afterAll(async () => {
  await Promise.all([...receivers.map((r) => r.app.stop()), ...workers.map((w) => w.stop())]);
  await s?.close();
});

it('applies every acknowledged postback exactly once when a receiver and a worker are killed and restarted mid-burst', async () => {
  const startedAt = Date.now();
  // Paced to last about 16 s: the kill comes at about 5 s, the restarts are ready 2 s later plus their start-up (4 s
  // on a loaded CI machine), and the burst must outlast them.
  const burst = startBurst(s.world.plan, { targets: receivers.map((r) => r.baseUrl), concurrency: 32, perSecond: 500 });

  await whenFinished(burst, s.world.plan.length * 0.3);
  const activeAtKill = await onlyShard(s.admin).queue.getActiveCount();
  await Promise.all([crash(receivers[1]!.app), crash(workers[0]!)]);
  // Requests to the dead receiver fail at the connection level meanwhile: never acknowledged, so never owed.
  await new Promise((r) => setTimeout(r, 2000));
  [receivers[1], workers[0]] = await Promise.all([startReceiverProcess(s.t.env, receivers[1]!.port), startWorkerProcess(s.t.env)]);
  const restartedAt = Date.now();
  expect(burst.finished(), 'the burst outlasts the restart').toBeLessThan(s.world.plan.length);
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  summary.notes = { ...summary.notes, active_jobs_at_kill: activeAtKill };
  recordSummary(summary);
  expectExactlyOnce(summary);
  expect(Object.values(summary.connectionErrors).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(summary.refused).toEqual({});
  expect(summary.deadLettered).toBe(0);
  // Both receivers acknowledge what is sent after the restart.
  const afterRestart = burst.answers.filter((a) => a.startedAt >= restartedAt && a.status === 202);
  expect(new Set(afterRestart.map((a) => a.target))).toEqual(new Set([0, 1]));
});
