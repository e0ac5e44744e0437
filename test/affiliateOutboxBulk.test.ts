// Bulk rejections fire affiliate postbacks like any other change: they are applied by the same worker statement.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBulkRejections } from '../apps/admin/src/bulk/bulkRejections.js';
import type { BulkRecordWithInvalid } from '../apps/admin/src/bulk/bulkRecords.js';
import { createBulkRunner, type BulkRunner } from '../apps/admin/src/bulk/bulkRunner.js';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import { givenAffiliatePostback, givenPublishedConversion, givenPublisher } from './helpers/affiliateOutboxFixtures.js';
import { givenOffer } from './helpers/fixtures.js';
import { connectAdminDeps, serveAdminApi, startInProcessWorker, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'affiliate-outbox-bulk-admin-token-0123456789';

let t: TestEnvironment;
let admin: AdminHandle;
let runner: BulkRunner;
let api: { baseUrl: string; close: () => Promise<void> };
let worker: WorkerProcess;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_outbox_bulk', { BULK_REJECTIONS_PER_SECOND: '20000' });
  admin = connectAdminDeps(t.cfg);
  runner = createBulkRunner(admin, { pollMs: 100 });
  runner.start();
  api = await serveAdminApi(admin, TOKEN, { bulk: createBulkRejections(admin) });
  worker = startInProcessWorker(t.cfg);
});

afterAll(async () => {
  await worker?.close();
  await runner?.close();
  await api?.close();
  await admin?.close();
  await t?.teardown();
});

it('a bulk upload fires the affiliate postbacks of the conversions it rejects', async () => {
  const offer = await givenOffer(t.prisma);
  const publisher = await givenPublisher(t.prisma);
  const postback = await givenAffiliatePostback(t.prisma, { publisherId: publisher.id, events: ['rejected'] });
  const approved = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id });
  const pending = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id, status: 'pending' });
  const reasonOnly = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id, status: 'rejected', rejectedReason: 'old' });

  const csv = ['transaction_id,reason', `${approved.transactionId},fraud`, `${pending.transactionId},fraud`, `${reasonOnly.transactionId},fraud`].join('\n');
  const res = await fetch(`${api.baseUrl}/admin/rejections/bulk?offer_id=${offer.id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
    body: `${csv}\n`,
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await eventually(async () => {
    const r = (await (await fetch(`${api.baseUrl}/admin/rejections/bulk/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as BulkRecordWithInvalid;
    return r.status === 'completed' && r;
  }, 30_000, 'the upload applied');

  const notifications = await t.prisma.notification.findMany({ where: { affiliatePostbackId: postback.id }, orderBy: { transactionId: 'asc' } });
  expect(notifications.map((n) => ({ transactionId: n.transactionId, event: n.event, previousStatus: n.previousStatus }))).toEqual(
    [
      { transactionId: approved.transactionId, event: 'rejected', previousStatus: 'approved' },
      { transactionId: pending.transactionId, event: 'rejected', previousStatus: 'pending' },
    ].sort((a, b) => (a.transactionId < b.transactionId ? -1 : 1)),
  );
});
