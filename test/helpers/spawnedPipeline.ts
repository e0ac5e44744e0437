import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PrismaClient } from '@postback/core';
import { freePort } from './freePort.js';
import { sendPostback } from './pipeline.js';
import { spawnApp, type AppProcess } from './spawnApp.js';
import { eventually } from './testEnvironment.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The admin token the spawned admin accepts (a bearer token for its API and /metrics). */
export const ADMIN_TOKEN = 'spawned-pipeline-admin-token-0123';

/** Receiver, worker and admin, each its own process from the built dist/, as production runs them. */
export interface SpawnedPipeline {
  receiverUrl: string;
  adminUrl: string;
  receiver: AppProcess;
  worker: AppProcess;
  admin: AppProcess;
  /** The built CLI (apps/admin/dist/cli.js) with the same environment: its exit code and output. */
  cli: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  stop: () => Promise<void>;
}

/** Starts the three apps with `env` (a test environment's, which says where Redis and Postgres are) on free ports. */
export async function spawnPipeline(env: Record<string, string>): Promise<SpawnedPipeline> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const appEnv = { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), ADMIN_PORT: String(adminPort), ADMIN_TOKEN };
  const receiver = spawnApp('receiver', appEnv);
  const worker = spawnApp('worker', appEnv);
  const admin = spawnApp('admin', appEnv);
  const stop = async () => {
    await Promise.all([receiver.stop(), worker.stop(), admin.stop()]);
  };
  try {
    await Promise.all([
      receiver.waitForLog((l) => l.msg === 'receiver listening', 60_000),
      worker.waitForLog((l) => l.msg === 'worker consuming', 60_000),
      admin.waitForLog((l) => l.msg === 'admin API listening', 60_000),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    receiverUrl: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    receiver,
    worker,
    admin,
    async cli(...args) {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, ...env },
        });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    },
    stop,
  };
}

/** The status of GET `baseUrl`/readyz. */
export async function readiness(baseUrl: string): Promise<number> {
  return (await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
}

/**
 * Sends one rejection per transaction id, expecting a 202 for each, and waits until the worker has applied every
 * one (its outcome in postback_log). Returns the postback ids.
 */
export async function rejectAndAwaitApplied(
  prisma: PrismaClient,
  receiverUrl: string,
  key: string,
  transactionIds: readonly string[],
  timeoutMs = 60_000,
): Promise<string[]> {
  const answers = await Promise.all(
    transactionIds.map((transaction_id) => sendPostback(receiverUrl, { key, transaction_id, new_rejected_reason: 'fraud' })),
  );
  if (answers.some((a) => a.status !== 202)) throw new Error(`not every postback got 202: ${answers.map((a) => a.status).join(',')}`);
  const ids = answers.map((a) => String(a.body.postback_id));
  await eventually(
    async () => (await prisma.postbackLog.count({ where: { postbackId: { in: ids } } })) === ids.length,
    timeoutMs,
    `${ids.length} postbacks to be applied`,
  );
  return ids;
}
