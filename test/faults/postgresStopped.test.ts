import { afterAll, beforeAll, expect, it } from 'vitest';
import { onlyShard } from '../helpers/pipeline.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { OwnPostgres } from './helpers/ownServers.js';
import { startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

const OUTAGE_MS = 30_000;

let postgres: OwnPostgres;
let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  postgres = await OwnPostgres.create();
  s = await setUpScenario('3 Postgres stopped for 30 s', {
    servers: { databaseServerUrl: postgres.serverUrl },
    // Few attempts: a worker that spent attempts on the outage would dead-letter postbacks within it.
    env: { STORE_OUTAGE_PAUSE_MS: '500', JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '100' },
    shape: { postbacks: 8000 },
  });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close().catch(() => undefined);
  await postgres?.remove();
});

it('keeps answering 202 while Postgres is stopped, spends no attempts, dead-letters nothing, and applies everything after', async () => {
  const startedAt = Date.now();
  // 8,000 postbacks over ~32 s: most of the burst arrives while Postgres is down.
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 16, perSecond: 250 });
  await whenFinished(burst, 750);
  postgres.stop();
  const stoppedAt = Date.now();
  await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('postgres unreachable'), OUTAGE_MS);
  await new Promise((r) => setTimeout(r, stoppedAt + OUTAGE_MS - Date.now()));
  const failedDuringOutage = await onlyShard(s.admin).queue.getFailedCount();
  const deadDuringOutage = await onlyShard(s.admin).deadLetters.getWaitingCount();
  await postgres.start();
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  summary.notes = {
    ...summary.notes,
    outage_seconds: OUTAGE_MS / 1000,
    acknowledged_during_outage: burst.answers.filter((a) => a.status === 202 && a.startedAt > stoppedAt && a.endedAt < stoppedAt + OUTAGE_MS).length,
  };
  recordSummary(summary);
  expectExactlyOnce(summary);
  expect(summary.acknowledged).toBe(summary.sent);
  expect(summary.postbackLogAttempts).toEqual([1]);
  expect(failedDuringOutage + deadDuringOutage + summary.deadLettered).toBe(0);
});
