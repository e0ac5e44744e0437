// The outbox relay on its own: which pending notifications a round hands to the delivery queue, with what delay,
// and that handing one again (a crash between Redis and handed_at, a re-hand) leaves one job. Also the delivery
// log's retention and the backlog gauges.
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerRedis, DELIVERY_JOB_NAME, deliveryJobOptions, type RedisConnection } from '@postback/core';
import { DrainFirst } from '../apps/worker/src/notifications/drainFirst.js';
import { pruneNotifications } from '../apps/worker/src/notifications/notificationRetention.js';
import { startOutboxRelay, type OutboxRelay } from '../apps/worker/src/notifications/outboxRelay.js';
import { givenAffiliatePostback, givenPublisher, openDeliveryQueue } from './helpers/affiliateOutboxFixtures.js';
import { silent } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let deliveries: ReturnType<typeof openDeliveryQueue>;
let connection: RedisConnection;
let affiliatePostbackId: number;
let relay: OutboxRelay | undefined;
// A conversion id per row: at most one waiting row per (affiliate postback, conversion).
let conversionId = 0;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_outbox_relay');
  deliveries = openDeliveryQueue(t.cfg);
  connection = createWorkerRedis(t.cfg);
  const publisher = await givenPublisher(t.prisma);
  affiliatePostbackId = (await givenAffiliatePostback(t.prisma, { publisherId: publisher.id })).id;
});

afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await t.prisma.notification.deleteMany();
  await deliveries.queue.obliterate({ force: true });
});

afterAll(async () => {
  connection?.disconnect();
  await deliveries?.close();
  await t?.teardown();
});

/** Starts a relay as a worker process does, with this test's settings; its registry is returned for the gauges. */
function startRelay(cfg: Partial<typeof t.cfg> = {}, drainFirst?: DrainFirst): Registry {
  const registry = new Registry();
  relay = startOutboxRelay({ cfg: { ...t.cfg, ...cfg }, prisma: t.prisma, connection, logger: silent(), metrics: { registry }, drainFirst });
  return registry;
}

/**
 * A notification row as the worker or the delivery worker would leave it. Times are SQL interval expressions
 * relative to now() (e.g. `'-1 minute'`), so they are on Postgres's clock.
 */
async function givenNotification(opts: { due: string; handed?: string; state?: string; created?: string }): Promise<string> {
  const id = randomUUID();
  await t.prisma.$executeRawUnsafe(
    `INSERT INTO notifications (id, affiliate_postback_id, conversion_id, transaction_id, event, first_changed_at, due_at,
       handed_at, state, created_at)
     VALUES ($1::uuid, $2, $7, 'tx', 'rejected', now(), now() + $3::interval,
       CASE WHEN $4::text IS NULL THEN NULL ELSE now() + $4::interval END, $5::notification_state, now() + $6::interval)`,
    id,
    affiliatePostbackId,
    opts.due,
    opts.handed ?? null,
    opts.state ?? 'waiting',
    opts.created ?? '0 seconds',
    ++conversionId,
  );
  return id;
}

const handedAtOf = async (id: string) => (await t.prisma.notification.findUniqueOrThrow({ where: { id } })).handedAt;

describe('a relay round', () => {
  it('hands the rows due before the next round, each delayed until it is due, and leaves later ones for later', async () => {
    const soon = await givenNotification({ due: '20 seconds' });
    const overdue = await givenNotification({ due: '-5 minutes' });
    const later = await givenNotification({ due: '2 minutes' });
    startRelay({ OUTBOX_RELAY_INTERVAL_MS: 30_000 });

    const job = await eventually(async () => (await deliveries.queue.getJob(soon)) ?? undefined, 20_000, 'the job of the row due soon');
    expect(job.name).toBe(DELIVERY_JOB_NAME);
    // Who it is for rides along, for the dead-letter filters.
    expect(job.data).toEqual({ v: 1, notificationId: soon, affiliatePostbackId, alertRuleId: null, transactionId: 'tx' });
    expect(job.delay).toBeGreaterThan(10_000);
    expect(job.delay).toBeLessThanOrEqual(20_000);
    expect((await deliveries.queue.getJob(overdue))?.delay ?? -1).toBe(0);
    // The same round read all three (one SELECT): the one beyond the next round is neither queued nor marked. The
    // relay commits handed_at just after its add to Redis, so the job may be seen first.
    await eventually(async () => (await handedAtOf(soon)) ?? undefined, 20_000, 'handed_at of the row due soon');
    expect(await deliveries.queue.getJob(later)).toBeUndefined();
    expect(await handedAtOf(later)).toBeNull();
  });

  it('hands a pending row again once its handed_at is older than OUTBOX_REHAND_AFTER_MS, and the job id keeps one job', async () => {
    const stale = await givenNotification({ due: '-30 minutes', state: 'sending', handed: '-20 minutes' });
    const recent = await givenNotification({ due: '-30 minutes', state: 'sending', handed: '-1 second' });
    // The first hand-off's job, still in Redis (a retry waiting): marked by its long delay.
    const first = await deliveries.queue.add(DELIVERY_JOB_NAME, { v: 1, notificationId: stale }, { ...deliveryJobOptions(t.cfg, stale), delay: 3_600_000 });
    const handedBefore = (await handedAtOf(stale))!.getTime();
    startRelay({ OUTBOX_REHAND_AFTER_MS: 600_000 });

    await eventually(async () => (await handedAtOf(stale))!.getTime() > handedBefore, 20_000, 'the stale row handed again');
    const job = await deliveries.queue.getJob(stale);
    expect({ timestamp: job!.timestamp, delay: job!.delay }).toEqual({ timestamp: first.timestamp, delay: 3_600_000 });
    expect(await deliveries.queue.getJobCountByTypes('delayed', 'waiting')).toBe(1);
    // Handed a second ago: not yet due for a re-hand.
    expect(await deliveries.queue.getJob(recent)).toBeUndefined();
  });

  it('never hands a notification whose result is recorded', async () => {
    const done = await Promise.all(['delivered', 'failed', 'skipped'].map((state) => givenNotification({ due: '-1 minute', state })));
    const pending = await givenNotification({ due: '-1 minute' });
    startRelay();
    await eventually(async () => (await handedAtOf(pending)) !== null, 20_000, 'the pending row handed');
    for (const id of done) expect(await deliveries.queue.getJob(id)).toBeUndefined();
  });

  it('hands more than a round holds, round after round', async () => {
    const ids = await Promise.all(Array.from({ length: 520 }, () => givenNotification({ due: '-1 minute' })));
    startRelay({ OUTBOX_RELAY_INTERVAL_MS: 60_000 });
    await eventually(async () => (await t.prisma.notification.count({ where: { handedAt: { not: null } } })) === ids.length, 20_000, 'all handed');
    expect(await deliveries.queue.getJobCountByTypes('delayed', 'waiting')).toBe(ids.length);
  });
});

describe('the relay while its process works off a backlog', () => {
  it('hands only the allowance while there is a backlog, and the rest once it is worked off', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => givenNotification({ due: '-1 minute' })));
    // A bucket of 10 a second, spent before the drain starts; the backlog is what the test says.
    let now = 0;
    let backlog = 5000;
    const drainFirst = new DrainFirst({
      whileDraining: 2,
      quietMs: 500,
      backlog: () => backlog,
      backlogThreshold: 1000,
      handsPerSecond: 10,
      now: () => now,
    });
    drainFirst.handed(10);
    const handed = () => t.prisma.notification.count({ where: { handedAt: { not: null } } });
    startRelay({ OUTBOX_RELAY_INTERVAL_MS: 60_000 }, drainFirst);
    await new Promise((r) => setTimeout(r, 300));
    expect(await handed()).toBe(0);

    // A second of the drain accrues ten, handed at once.
    now += 1000;
    relay!.kick();
    await eventually(async () => (await handed()) === 10, 20_000, 'ten handed');
    await new Promise((r) => setTimeout(r, 300));
    expect(await handed()).toBe(10);

    // The backlog is worked off: the relay, which held rows back, tries again on its own and hands the rest.
    backlog = 0;
    now += 2000;
    await eventually(async () => (await handed()) === ids.length, 20_000, 'the rest handed');
    expect(await deliveries.queue.getJobCountByTypes('delayed', 'waiting')).toBe(ids.length);
  });
});

describe('the backlog gauges', () => {
  it('report the pending notifications already due and the age of the oldest', async () => {
    await givenNotification({ due: '-10 minutes', state: 'sending' });
    await givenNotification({ due: '-1 minute' });
    await givenNotification({ due: '10 minutes' });
    await givenNotification({ due: '-1 hour', state: 'delivered' });
    const registry = startRelay();
    const gauges = await eventually(async () => {
      const metrics = await registry.getMetricsAsJSON();
      const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value ?? 0;
      const pending = value('postback_outbox_pending');
      return pending > 0 && { pending, oldest: value('postback_outbox_oldest_pending_seconds') };
    }, 20_000, 'the gauges read');
    expect(gauges.pending).toBe(2);
    expect(gauges.oldest).toBeGreaterThanOrEqual(600);
    expect(gauges.oldest).toBeLessThan(3600);
  });
});

describe('the delivery log retention', () => {
  it('deletes final notifications older than the retention with their attempts, in batches, and keeps pending ones', async () => {
    const old = await Promise.all(['delivered', 'failed', 'skipped'].map((state) => givenNotification({ due: '-100 days', state, created: '-100 days' })));
    const oldPending = await Promise.all(['waiting', 'sending'].map((state) => givenNotification({ due: '-100 days', state, created: '-100 days' })));
    const recent = await givenNotification({ due: '-1 day', state: 'delivered', created: '-1 day' });
    for (const id of [...old, ...oldPending, recent]) {
      await t.prisma.deliveryAttempt.create({ data: { notificationId: id, attempt: 1, url: 'https://affiliate.example/', result: 'delivered' } });
    }

    expect(await pruneNotifications(t.prisma, { retentionDays: 90, batchSize: 2 })).toBe(3);
    const left = (await t.prisma.notification.findMany({ select: { id: true } })).map((n) => n.id).sort();
    expect(left).toEqual([...oldPending, recent].sort());
    expect(await t.prisma.deliveryAttempt.count()).toBe(3);
  });
});
