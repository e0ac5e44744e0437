// A slow or hanging affiliate must not hold the others: the timeout ends its attempts, and the per-destination cap
// (in Redis, across worker processes) keeps it from taking every delivery slot.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerRedis, deliveryQueueTag } from '@postback/core';
import { createWorkerMetrics } from '../apps/worker/src/metrics.js';
import { DestinationSlots } from '../apps/worker/src/notifications/destinationSlots.js';
import { startDeliveryWorker, type DeliveryWorker } from '../apps/worker/src/notifications/deliveryWorker.js';
import {
  attemptsOf,
  givenNotificationTo,
  handToDelivery,
  notificationOf,
  silentLogger,
  startAffiliateServer,
  type AffiliateServer,
} from './helpers/affiliateDeliveryFixtures.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
const workers: DeliveryWorker[] = [];
const servers: AffiliateServer[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_delivery_limits', {
    OUTBOUND_ALLOW_PRIVATE: 'true',
    DELIVERY_ATTEMPTS: '2',
    DELIVERY_BACKOFF_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '100',
    DELIVERY_TIMEOUT_MS: '600',
    DELIVERY_PER_DESTINATION: '2',
    DELIVERY_CONCURRENCY: '8',
  });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await t?.teardown();
});

function startWorker(): DeliveryWorker {
  const worker = startDeliveryWorker({ cfg: t.cfg, prisma: t.prisma, logger: silentLogger(), metrics: createWorkerMetrics() });
  workers.push(worker);
  return worker;
}

async function affiliate(...args: Parameters<typeof startAffiliateServer>): Promise<AffiliateServer> {
  const server = await startAffiliateServer(...args);
  servers.push(server);
  return server;
}

async function statesOf(ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await notificationOf(t.prisma, id)).state));
}

describe('slow and hanging affiliates', () => {
  it('times out a hanging server while a second destination is still served', async () => {
    const worker = startWorker();
    const hanging = await affiliate(() => undefined);
    const healthy = await affiliate();
    const stuck: string[] = [];
    for (let i = 0; i < 6; i += 1) stuck.push((await givenNotificationTo(t.prisma, { url: `${hanging.baseUrl}/pb` })).notificationId);
    for (const id of stuck) await handToDelivery(t.cfg, worker.pair, id);
    await eventually(async () => hanging.inFlight() > 0, 10_000, 'the hanging server holding a request');
    const { notificationId: served } = await givenNotificationTo(t.prisma, { url: `${healthy.baseUrl}/pb` });
    await handToDelivery(t.cfg, worker.pair, served);

    await eventually(async () => (await notificationOf(t.prisma, served)).state === 'delivered', 10_000, 'the healthy destination served');
    // Served while the hanging destination's notifications were still being tried: 6 of them, 2 at a time, 2 attempts each.
    expect((await statesOf(stuck)).filter((s) => s === 'failed').length).toBeLessThan(stuck.length);

    await eventually(async () => (await statesOf(stuck)).every((s) => s === 'failed'), 30_000, 'every hanging delivery failed');
    for (const id of stuck) {
      expect(await attemptsOf(t.prisma, id)).toMatchObject([
        { attempt: 1, result: 'retrying', status_code: null, response_head: null, error: 'timed out after 600 ms' },
        { attempt: 2, result: 'failed', status_code: null, error: 'timed out after 600 ms' },
      ]);
      await eventually(async () => (await worker.pair.deadLetters.getJob(id)) ?? undefined, 10_000, `${id} dead-lettered`);
    }
    expect(hanging.received).toHaveLength(12);
  });

  it('never has more than DELIVERY_PER_DESTINATION requests in flight to one host, across two workers', async () => {
    const [first, second] = [startWorker(), startWorker()];
    const delivered = new Map<DeliveryWorker, number>();
    for (const w of [first, second]) w.worker.on('completed', (_job, result) => {
      if (result === 'delivered') delivered.set(w, (delivered.get(w) ?? 0) + 1);
    });
    // Slow, not hanging: the server counts a request done when it starts answering, before the client hears of it,
    // so a freed slot can never let a request in early.
    const slow = await affiliate((_req, res) => {
      setTimeout(() => res.end('ok'), 150);
    });
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push((await givenNotificationTo(t.prisma, { url: `${slow.baseUrl}/pb` })).notificationId);
    await Promise.all(ids.map((id, i) => handToDelivery(t.cfg, (i % 2 === 0 ? first : second).pair, id)));

    await eventually(async () => (await statesOf(ids)).every((s) => s === 'delivered'), 30_000, 'every notification delivered');
    expect(slow.received).toHaveLength(12);
    expect(slow.maxInFlight()).toBe(2);
    // Both workers took part (each alone could hold 8 at once), so the cap held across them.
    expect(delivered.get(first)).toBeGreaterThan(0);
    expect(delivered.get(second)).toBeGreaterThan(0);
    expect(delivered.get(first)! + delivered.get(second)!).toBe(12);
  });

  it("frees a slot whose worker died once its lease runs out, and only that one", async () => {
    const redis = createWorkerRedis(t.cfg);
    try {
      const tag = deliveryQueueTag(t.cfg.QUEUE_PREFIX);
      const crashed = new DestinationSlots(redis, tag, 2, 300);
      const alive = new DestinationSlots(redis, tag, 2, 60_000);
      // Never released: the worker holding it is gone.
      expect(await crashed.acquire('slots.example:80')).not.toBeNull();
      const held = await alive.acquire('slots.example:80');
      expect(held).not.toBeNull();
      expect(await alive.acquire('slots.example:80')).toBeNull();
      // Another destination has slots of its own.
      expect(await alive.acquire('other.example:80')).not.toBeNull();

      const freed = await eventually(async () => (await alive.acquire('slots.example:80')) ?? undefined, 10_000, 'the dead lease expiring');
      expect(freed).toBeTruthy();
      expect(await alive.acquire('slots.example:80')).toBeNull();
      await alive.release('slots.example:80', held!);
      expect(await alive.inFlight('slots.example:80')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
