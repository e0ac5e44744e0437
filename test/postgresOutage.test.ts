import { afterAll, beforeAll, expect, it } from 'vitest';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, sendPostback, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let worker: AppProcess;
const proxy = new TcpProxy('127.0.0.1', 5432);

beforeAll(async () => {
  t = await createTestEnvironment('pg_outage');
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  await proxy.start();
  const viaProxy = new URL(t.databaseUrl);
  viaProxy.port = String(proxy.port);
  worker = spawnApp('worker', {
    ...t.env,
    DATABASE_URL: viaProxy.toString(),
    LOG_LEVEL: 'info',
    STORE_OUTAGE_PAUSE_MS: '500',
    JOB_ATTEMPTS: '3',
  });
  await worker.waitForLog((l) => l.msg === 'worker consuming');
});

afterAll(async () => {
  await worker?.stop();
  await proxy.cut();
  await rx.stop();
  await admin.close();
  await t.teardown();
});

it('keeps acknowledging during a Postgres outage, spends no attempts, dead-letters nothing, and applies everything after', async () => {
  const offer = await givenOffer(t.prisma);
  const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
  const conversions = await Promise.all(Array.from({ length: 50 }, () => givenConversion(t.prisma, { offerId: offer.id })));

  await proxy.cut();
  const acknowledged: string[] = [];
  for (let round = 0; round < 10; round++) {
    const answers = await Promise.all(
      conversions.map((c) => sendPostback(rx.baseUrl, { key, new_rejected_reason: `r${round}`, transaction_id: c.transactionId })),
    );
    for (const a of answers) {
      expect(a.status).toBe(202);
      acknowledged.push(String(a.body.postback_id));
    }
  }
  // The worker has met the outage and paused instead of failing jobs.
  await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('postgres unreachable'));
  await new Promise((r) => setTimeout(r, 3000));
  expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(0);
  expect(await onlyShard(admin).queue.getFailedCount()).toBe(0);

  await proxy.restore();
  await eventually(
    async () => (await t.prisma.postbackLog.count({ where: { postbackId: { in: acknowledged } } })) === acknowledged.length,
    60_000,
    'every acknowledged postback to be applied',
  );
  const logs = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: acknowledged } } });
  expect(new Set(logs.map((l) => l.attempts))).toEqual(new Set([1]));
  expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(0);
  const final = await t.prisma.conversion.findMany({ where: { offerId: offer.id } });
  expect(final.every((c) => c.status === 'rejected' && c.rejectedReason === 'r9')).toBe(true);
  // One history row per postback that changed something (an older one may be superseded by a newer one
  // applied first), and none for the rest.
  const changed = logs.filter((l) => l.outcome === 'rejected' || l.outcome === 'reason_updated').length;
  expect(await t.prisma.conversionStatusHistory.count({ where: { postbackId: { in: acknowledged } } })).toBe(changed);
  expect(logs.filter((l) => l.outcome === 'rejected')).toHaveLength(50);
});
