// SIGTERM, as a deploy or `docker compose stop` sends it: each process drains and exits 0, and nothing it
// acknowledged is lost; `npm start` passes the signal down to all three processes and leaves none behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { freePort, isListening } from './helpers/freePort.js';
import { connectAdminDeps, onlyShard, queuedPostback, sendPostback, startReceiver, type AdminHandle } from './helpers/pipeline.js';
import { descendantsOf, isAlive } from './helpers/processTree.js';
import { spawnApp } from './helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let t: TestEnvironment;
let admin: AdminHandle;
let key: string;
let offerId: number;
const leftovers: number[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('shutdown');
  admin = connectAdminDeps(t.cfg);
  offerId = (await givenOffer(t.prisma)).id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
});

afterAll(async () => {
  // Only if a test failed: the processes this file started and that outlived it.
  for (const pid of leftovers.filter(isAlive)) process.kill(pid, 'SIGKILL');
  await admin.close();
  await t.teardown();
});

type Answer = { status: number; postbackId?: string } | { error: string };

/** One postback on a connection of its own, so that a connection the server drops shows up as an error. */
function postOnce(port: number, transactionId: string): Promise<Answer> {
  const query = new URLSearchParams({ key, new_rejected_reason: 'fraud', transaction_id: transactionId });
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: `/v1/rejections?${query}`, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        const parsed = JSON.parse(body) as { postback_id?: string };
        resolve({ status: res.statusCode!, postbackId: parsed.postback_id });
      });
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

async function waitForExit(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) await new Promise<void>((r) => child.once('exit', r));
  return { code: child.exitCode, signal: child.signalCode };
}

describe('SIGTERM', () => {
  it('lets the receiver answer or refuse every request of a burst, lose no acknowledged postback, and exit 0', async () => {
    const port = await freePort();
    const receiver = spawnApp('receiver', { ...t.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    leftovers.push(receiver.child.pid!);
    // Its log is buffered (4 kB writes), so the port tells when it is up, not the 'listening' line.
    await eventually(() => isListening(port), 20_000, 'the receiver to listen');
    const c = await givenConversion(t.prisma, { offerId });

    // 100 clients send back to back until the receiver stops accepting; SIGTERM lands after the first 300 answers.
    const answers: Answer[] = [];
    let signalledAt = 0;
    const client = async () => {
      for (;;) {
        const answer = await postOnce(port, c.transactionId);
        answers.push(answer);
        if (answers.length === 300) {
          signalledAt = Date.now();
          receiver.child.kill('SIGTERM');
        }
        if ('error' in answer || answers.length > 20_000) return;
      }
    };
    await Promise.all(Array.from({ length: 100 }, client));
    const exit = await waitForExit(receiver.child);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    const answered = answers.filter((a): a is { status: number; postbackId?: string } => 'status' in a);
    expect(new Set(answered.map((a) => a.status))).toEqual(new Set([202]));
    // Refused or reset before an answer: the client knows it was not accepted (and retries); never a 202 then lost.
    const errors = answers.filter((a): a is { error: string } => 'error' in a);
    for (const e of errors) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(e.error);
    expect(answered.length).toBeGreaterThan(300);
    for (const a of answered) expect(await queuedPostback(onlyShard(admin).queue, a.postbackId!), a.postbackId).toBeDefined();
    expect(receiver.logs.map((l) => l.msg)).toContain('receiver stopped');
  });

  it('lets the worker finish its active jobs and exit 0; a fresh worker applies the rest, each exactly once', async () => {
    const rx = await startReceiver(t.cfg);
    const conversions = await Promise.all(Array.from({ length: 50 }, () => givenConversion(t.prisma, { offerId })));
    // Slow writes (0.3 s per batch) keep jobs active long enough for the signal to find them mid-flight.
    await t.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION slow_log() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$
      LANGUAGE plpgsql`);
    await t.prisma.$executeRawUnsafe(
      'CREATE TRIGGER slow_log AFTER INSERT ON postback_log FOR EACH STATEMENT EXECUTE FUNCTION slow_log()',
    );
    try {
      const acknowledged: string[] = [];
      for (let wave = 0; wave < 10; wave++) {
        const answers = await Promise.all(
          conversions.map((c) => sendPostback(rx.baseUrl, { key, new_rejected_reason: `r${wave}`, transaction_id: c.transactionId })),
        );
        for (const a of answers) {
          expect(a.status).toBe(202);
          acknowledged.push(String(a.body.postback_id));
        }
      }
      await rx.stop();

      const env = { ...t.env, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '4', WORKER_BATCH_SIZE: '20' };
      const first = spawnApp('worker', env);
      leftovers.push(first.child.pid!);
      await eventually(async () => (await t.prisma.postbackLog.count()) > 0, 30_000, 'the first batch to commit');
      const active = (await onlyShard(admin).queue.getActive()).map((j) => j.id!);
      expect(active.length).toBeGreaterThan(0);
      first.child.kill('SIGTERM');
      expect(await waitForExit(first.child)).toEqual({ code: 0, signal: null });
      expect(first.logs.map((l) => l.msg)).toContain('worker stopped');
      // Finished, not abandoned: none of its jobs is left active (to come back later as stalled).
      expect(await onlyShard(admin).queue.getActiveCount()).toBe(0);
      for (const id of active) expect(await onlyShard(admin).queue.getJob(id), id).toBeUndefined();

      await t.prisma.$executeRawUnsafe('DROP TRIGGER slow_log ON postback_log');
      const fresh = spawnApp('worker', env);
      leftovers.push(fresh.child.pid!);
      try {
        await eventually(
          async () => (await t.prisma.postbackLog.count({ where: { postbackId: { in: acknowledged } } })) === acknowledged.length,
          60_000,
          'every acknowledged postback to be applied',
        );
      } finally {
        await fresh.stop();
      }
      const logs = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: acknowledged } } });
      expect(logs).toHaveLength(acknowledged.length);
      expect(new Set(logs.map((l) => l.attempts))).toEqual(new Set([1]));
      const changed = logs.filter((l) => l.outcome === 'rejected' || l.outcome === 'reason_updated').length;
      expect(await t.prisma.conversionStatusHistory.count({ where: { postbackId: { in: acknowledged } } })).toBe(changed);
      expect(await onlyShard(admin).queue.getFailedCount()).toBe(0);
    } finally {
      await t.prisma.$executeRawUnsafe('DROP TRIGGER IF EXISTS slow_log ON postback_log');
    }
  });

  it('stops all of `npm start` (receiver, worker, admin) and leaves nothing listening', { timeout: 240_000 }, async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...t.env,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        ADMIN_TOKEN: 'a-test-token-of-32-characters-xx',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    leftovers.push(npm.pid!);
    let output = '';
    npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const up = async (url: string) => (await fetch(url).catch(() => undefined))?.ok === true;
    await eventually(
      async () =>
        (await up(`http://127.0.0.1:${port}/readyz`)) &&
        (await up(`http://127.0.0.1:${adminPort}/healthz`)) &&
        output.includes('"msg":"worker consuming"'),
      180_000,
      'receiver, worker and admin to be up',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    const tree = descendantsOf(npm.pid!);
    leftovers.push(...tree);
    expect(tree.length).toBeGreaterThanOrEqual(4);

    npm.kill('SIGTERM');
    expect(await waitForExit(npm), output).toEqual({ code: 0, signal: null });
    await eventually(async () => tree.every((pid) => !isAlive(pid)), 20_000, 'every child of npm start to exit');
    expect(await isListening(port)).toBe(false);
    expect(await isListening(adminPort)).toBe(false);
    for (const line of ['receiver stopped', 'worker stopped', 'admin stopping']) expect(output).toContain(line);
  });
});
