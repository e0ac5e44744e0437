import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from './helpers/freePort.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BEAT_MS = 200;

let t: TestEnvironment;
let dir: string;
const workers: AppProcess[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('worker_heartbeat');
  dir = mkdtempSync(join(tmpdir(), 'pp-heartbeat-'));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  rmSync(dir, { recursive: true, force: true });
  await t.teardown();
});

function startWorker(file: string, env: Record<string, string> = {}): AppProcess {
  const worker = spawnApp('worker', { ...t.env, WORKER_HEARTBEAT_FILE: file, WORKER_HEARTBEAT_MS: String(BEAT_MS), ...env });
  workers.push(worker);
  return worker;
}

/** The compose healthcheck, as Docker runs it: the built script with the container's environment. */
function healthcheck(file: string): number | null {
  return spawnSync(process.execPath, ['apps/worker/dist/healthcheck.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, WORKER_HEARTBEAT_FILE: file, WORKER_HEARTBEAT_MS: String(BEAT_MS) },
  }).status;
}

const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

it('keeps touching its heartbeat file while it consumes, and the healthcheck passes; once stopped, it fails', async () => {
  const file = join(dir, 'running.heartbeat');
  expect(healthcheck(file)).toBe(1);
  const worker = startWorker(file);
  const first = await eventually(async () => mtime(file), 20_000, 'the first heartbeat');
  await eventually(async () => (mtime(file) ?? 0) > first, 5_000, 'a later heartbeat');
  expect(healthcheck(file)).toBe(0);

  await worker.stop();
  await new Promise((r) => setTimeout(r, 4 * BEAT_MS));
  expect(healthcheck(file)).toBe(1);
});

it('writes no heartbeat while it cannot reach Redis, so the healthcheck fails', async () => {
  const file = join(dir, 'no-redis.heartbeat');
  // A short shutdown timeout: with Redis gone, its drain can only time out.
  startWorker(file, { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, SHUTDOWN_TIMEOUT_MS: '500' });
  await new Promise((r) => setTimeout(r, 10 * BEAT_MS));
  expect(mtime(file)).toBeUndefined();
  expect(healthcheck(file)).toBe(1);
});
