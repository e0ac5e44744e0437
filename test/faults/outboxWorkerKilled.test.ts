// The transactional outbox across a crash: a worker SIGKILLed after it committed a rejection and its affiliate
// notification, before its relay handed the notification to the delivery queue. Nothing was in Redis for it; the
// row in Postgres is all there is, and the restarted worker's relay hands it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { givenAffiliatePostback, givenPublishedConversion, givenPublisher, openDeliveryQueue } from '../helpers/affiliateOutboxFixtures.js';
import { givenOffer, givenRejectionUrl } from '../helpers/fixtures.js';
import { connectAdminDeps, sendPostback, type AdminHandle } from '../helpers/pipeline.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from '../helpers/testEnvironment.js';
import { startAffiliateReceiver, type AffiliateReceiver } from './helpers/affiliateReceiver.js';
import { crash, startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';

let t: TestEnvironment;
let admin: AdminHandle;
let affiliate: AffiliateReceiver;
let receiver: ReceiverProcess;
let worker: AppProcess;
let deliveries: ReturnType<typeof openDeliveryQueue>;
let workerEnv: Record<string, string>;

beforeAll(async () => {
  t = await createTestEnvironment('faults_outbox_worker_killed');
  admin = connectAdminDeps(t.cfg);
  affiliate = await startAffiliateReceiver();
  deliveries = openDeliveryQueue(t.cfg);
  // The affiliate is on loopback; the relay runs often, so the row is handed soon after the restart.
  workerEnv = { ...t.env, OUTBOUND_ALLOW_PRIVATE: 'true', OUTBOX_RELAY_INTERVAL_MS: '200' };
  receiver = await startReceiverProcess(t.env);
  worker = await startWorkerProcess(workerEnv);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await deliveries?.close();
  await affiliate?.close();
  await admin?.close();
  await t?.teardown();
});

it('hands a notification committed before a SIGKILL to the delivery queue after the restart, and the affiliate receives it once', async () => {
  const offer = await givenOffer(t.prisma);
  const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
  const publisher = await givenPublisher(t.prisma);
  const conversion = await givenPublishedConversion(t.prisma, { offerId: offer.id, publisherId: publisher.id });
  // Due 2 s after the commit: the relay hands rows due within its next interval (200 ms), so for about 1.8 s the
  // row is committed and not handed. The kill lands in that gap.
  await givenAffiliatePostback(t.prisma, {
    publisherId: publisher.id,
    delaySeconds: 2,
    url: `${affiliate.baseUrl}/postback?t={transaction_id}&s={status}&r={rejected_reason}`,
  });

  const sent = await sendPostback(receiver.baseUrl, { key, transaction_id: conversion.transactionId, new_rejected_reason: 'fraud' });
  expect(sent.status).toBe(202);
  const committed = await eventually(
    async () => (await t.prisma.notification.findFirst({ where: { conversionId: conversion.id, handedAt: null } })) ?? undefined,
    20_000,
    'the notification committed and not yet handed',
  );
  await crash(worker);

  // The crash came before the hand-off: not marked handed, and nothing in Redis for it.
  expect((await t.prisma.notification.findUniqueOrThrow({ where: { id: committed.id } })).handedAt).toBeNull();
  expect(await deliveries.queue.getJob(committed.id)).toBeUndefined();

  worker = await startWorkerProcess(workerEnv);
  const job = await eventually(async () => (await deliveries.queue.getJob(committed.id)) ?? undefined, 30_000, 'the delivery job after the restart');
  expect(job.data).toMatchObject({ v: 1, notificationId: committed.id });
  // The relay adds the job first and commits handed_at right after (Redis first): on a loaded machine the test can
  // see the job before that commit.
  await eventually(
    async () => (await t.prisma.notification.findUniqueOrThrow({ where: { id: committed.id } })).handedAt ?? undefined,
    10_000,
    'handed_at recorded after the hand-off',
  );
  // One notification for the one change: the redelivered postback job (its lock died with the worker) changed nothing.
  expect(await t.prisma.notification.count({ where: { conversionId: conversion.id } })).toBe(1);

  // The restarted worker's delivery worker sends it: the affiliate's server receives it exactly once, with the
  // conversion as it is and the notification's id as webhook-id, and the notification ends delivered.
  const [request] = await eventually(async () => affiliate.received.length > 0 && affiliate.received, 30_000, 'the delivery');
  expect(request!.url).toBe(`/postback?t=${encodeURIComponent(conversion.transactionId)}&s=rejected&r=fraud`);
  expect(request!.headers['webhook-id']).toBe(committed.id);
  await eventually(
    async () => (await t.prisma.notification.findUniqueOrThrow({ where: { id: committed.id } })).state === 'delivered',
    30_000,
    'the notification recorded as delivered',
  );
  expect(affiliate.received).toHaveLength(1);
});
