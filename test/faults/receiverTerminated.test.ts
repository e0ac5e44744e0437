import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppProcess } from '../helpers/spawnApp.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { closed, startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';

const SHUTDOWN_TIMEOUT_MS = 5000;

let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  s = await setUpScenario('5 receiver SIGTERM mid-burst', { env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }, shape: { postbacks: 10000 } });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop('SIGKILL'), worker?.stop()]);
  await s?.close();
});

it('answers every request it accepted, exits within SHUTDOWN_TIMEOUT_MS, and all its 202s are applied', async () => {
  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 1000 });
  await whenFinished(burst, s.world.plan.length * 0.2);
  const signalledAt = Date.now();
  receiver.app.child.kill('SIGTERM');
  const exitCode = await closed(receiver.app);
  const exitMs = Date.now() - signalledAt;
  await burst.done;

  const summary = await s.verify(burst.answers, startedAt);
  // The receiver's own access log (flushed before it exits): the requests it answered, as it saw them.
  const served = receiver.app.logs.filter((l) => typeof l.status === 'number');
  const servedAccepted = new Set(served.filter((l) => l.status === 202).map((l) => String(l.postback_id)));
  const clientAccepted = burst.answers.filter((a) => a.status === 202).map((a) => a.postbackId!);
  summary.notes = {
    ...summary.notes,
    exit_code: exitCode,
    exit_ms: exitMs,
    answered_by_server: served.length,
    answered_at_client: burst.answers.filter((a) => a.status !== undefined).length,
  };
  recordSummary(summary);
  expectExactlyOnce(summary);
  expect(exitCode).toBe(0);
  expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  // It stopped taking new work: the burst went on for seconds, but nothing sent a second after the signal was accepted.
  expect(burst.answers.filter((a) => a.status === 202 && a.startedAt > signalledAt + 1000)).toHaveLength(0);
  // Nothing dropped in between: every answer the server wrote reached its client, and nothing was stored
  // without its 202 reaching the client.
  expect(summary.notes.answered_at_client).toBe(served.length);
  expect(new Set(clientAccepted)).toEqual(servedAccepted);
  expect(summary.appliedWithoutAck).toBe(0);
  expect(summary.refused).toEqual({});
  // The rest of the burst found no one listening: refused at the connection level, never half-answered.
  expect(Object.keys(summary.connectionErrors).every((code) => ['ECONNREFUSED', 'ECONNRESET'].includes(code))).toBe(true);
});
