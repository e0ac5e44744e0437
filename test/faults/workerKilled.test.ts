import { afterAll, beforeAll, expect, it } from 'vitest';
import { onlyShard } from '../helpers/pipeline.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { crash, startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  s = await setUpScenario('1 worker SIGKILL mid-batch');
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close();
});

it('applies every acknowledged postback exactly once when a worker is killed mid-batch and restarted', async () => {
  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 700 });

  // Kill the worker while it is busy: jobs active (their locks held by the dead process), batches in flight.
  await whenFinished(burst, s.world.plan.length * 0.4);
  const activeAtKill = await onlyShard(s.admin).queue.getActiveCount();
  await crash(worker);
  const loggedAtKill = await s.t.prisma.postbackLog.count();
  worker = await startWorkerProcess(s.t.env);
  await burst.done;

  // The dead worker's jobs come back once their locks expire (BullMQ's stalled-job check) and are applied again:
  // their postbacks already committed are recognised in postback_log, the rest applied once.
  const summary = await s.verify(burst.answers, startedAt);
  summary.notes = { ...summary.notes, active_jobs_at_kill: activeAtKill, postbacks_logged_at_kill: loggedAtKill };
  recordSummary(summary);
  expect(activeAtKill).toBeGreaterThan(0);
  expectExactlyOnce(summary);
  expect(summary.appliedWithoutAck).toBe(0);
  expect(summary.deadLettered).toBe(0);
  expect(summary.sent).toBe(summary.acknowledged);
});
