import { afterAll, beforeAll, expect, it } from 'vitest';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, sendPostback, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let workers: AppProcess[] = [];

beforeAll(async () => {
  // Small batches and high concurrency: many transactions from both processes interleave on the same rows.
  t = await createTestEnvironment('two_workers', { WORKER_BATCH_SIZE: '16', WORKER_CONCURRENCY: '64' });
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  workers = [0, 1].map(() => spawnApp('worker', { ...t.env, LOG_LEVEL: 'debug' }));
  await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === 'worker consuming')));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await rx.stop();
  await admin.close();
  await t.teardown();
});

it('keeps the reason of the postback received last for every conversion, with two worker processes racing', async () => {
  const offer = await givenOffer(t.prisma);
  const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
  const conversions = await Promise.all(Array.from({ length: 10 }, () => givenConversion(t.prisma, { offerId: offer.id })));

  // 1,500 postbacks, 150 per conversion, 3 reasons in random order, 30 in flight at a time.
  const reasons = ['bot_traffic', 'duplicate', 'chargeback'];
  const sends = conversions.flatMap((c) =>
    Array.from({ length: 150 }, () => ({ transaction_id: c.transactionId, new_rejected_reason: reasons[Math.floor(Math.random() * 3)]! })),
  );
  sends.sort(() => Math.random() - 0.5);
  const acknowledged: string[] = [];
  for (let i = 0; i < sends.length; i += 30) {
    const answers = await Promise.all(sends.slice(i, i + 30).map((s) => sendPostback(rx.baseUrl, { key, ...s })));
    for (const a of answers) {
      expect(a.status).toBe(202);
      acknowledged.push(String(a.body.postback_id));
    }
  }
  await eventually(
    async () => (await t.prisma.postbackLog.count({ where: { postbackId: { in: acknowledged } } })) === acknowledged.length,
    60_000,
    'every postback to be processed',
  );

  // Both processes did part of the work.
  for (const w of workers) expect(w.logs.filter((l) => l.msg === 'postback applied').length).toBeGreaterThan(0);

  const logs = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: acknowledged } } });
  for (const c of conversions) {
    const mine = logs.filter((l) => l.transactionId === c.transactionId);
    const lastReceived = mine.reduce((a, b) => (b.seq > a.seq ? b : a));
    const now = await t.prisma.conversion.findUniqueOrThrow({ where: { id: c.id } });
    expect(now.rejectedReason).toBe(lastReceived.reason);
    // The history is one unbroken chain: each row starts where the previous one ended.
    const history = await t.prisma.conversionStatusHistory.findMany({ where: { conversionId: c.id }, orderBy: { id: 'asc' } });
    let reason: string | null = null;
    for (const h of history) {
      expect(h.oldReason).toBe(reason);
      reason = h.newReason;
    }
    expect(reason).toBe(lastReceived.reason);
    const changed = mine.filter((l) => l.outcome === 'rejected' || l.outcome === 'reason_updated').length;
    expect(history).toHaveLength(changed);
  }
});
