// A backlog of queued postbacks is what makes a worker's affiliate deliveries give way to its drain
// (apps/worker/src/notifications/drainFirst.ts): counted in postbacks, held by the running jobs and waiting in the
// shard's queue. The batches are held up by a lock on postback_log, so the backlog stays while it is looked at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailFastRedis, PostbackShards } from '@postback/core';
import { Admission } from '../apps/receiver/src/admission.js';
import { EnqueueBatcher } from '../apps/receiver/src/enqueueBatcher.js';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import { givenOffer } from './helpers/fixtures.js';
import { onlyShard, startInProcessWorker } from './helpers/pipeline.js';
import { parseExposition, valueOf } from './helpers/scrapeMetrics.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const POSTBACKS = 3000;

let t: TestEnvironment;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  // Batches of 500: a backlog of 1,000 postbacks or more counts as a drain.
  t = await createTestEnvironment('drain_backlog', { WORKER_BATCH_SIZE: '500' });
});

afterAll(async () => {
  await worker?.close();
  await t?.teardown();
});

async function gauges(w: WorkerProcess) {
  const samples = parseExposition(await w.metrics.registry.metrics());
  return { backlog: valueOf(samples, 'postback_worker_backlog_postbacks'), draining: valueOf(samples, 'postback_worker_draining') };
}

/** Queues postbacks the way the receiver does: a turn's worth per job. */
async function queuePostbacks(count: number, offerId: number, advertiserId: number) {
  const connection = createFailFastRedis(t.cfg);
  const shards = new PostbackShards(t.cfg, connection, { role: 'test' });
  try {
    await onlyShard({ shards }).queue.waitUntilReady();
    const batcher = new EnqueueBatcher(shards, new Admission(connection, t.cfg.QUEUE_PREFIX, 1_000_000, 1000));
    const scope = { kind: 'offer' as const, advertiserId, offerId };
    for (let turn = 0; turn < count / 300; turn += 1) {
      const verdicts = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          batcher.admitAndEnqueue({ endpointId: 1, scope, transactionId: `backlog-${turn}-${i}`, reason: 'fraud', receivedAt: Date.now() }),
        ),
      );
      expect(verdicts.every((v) => v.stored)).toBe(true);
    }
  } finally {
    await shards.close();
    connection.disconnect();
  }
}

describe('the drain as a backlog', () => {
  it('counts queued postbacks as a drain while they wait, and ends it once they are applied', async () => {
    const offer = await givenOffer(t.prisma);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('LOCK TABLE postback_log IN EXCLUSIVE MODE');
        locked();
        await released;
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    try {
      await lockTaken;
      await queuePostbacks(POSTBACKS, offer.id, offer.advertiserId);
      worker = startInProcessWorker(t.cfg);
      const w = worker;
      // The worker takes its concurrency's worth of jobs; their batches wait for the lock, the rest wait in Redis.
      const during = await eventually(async () => {
        const g = await gauges(w);
        return g.draining === 1 && g.backlog === POSTBACKS ? g : undefined;
      }, 20_000, 'the backlog of every queued postback, counted as a drain');
      expect(during.backlog).toBe(POSTBACKS);
    } finally {
      release();
      await holder;
    }
    const w = worker!;
    await eventually(async () => (await t.prisma.postbackLog.count()) === POSTBACKS, 30_000, 'every postback applied');
    await eventually(async () => {
      const g = await gauges(w);
      return g.backlog === 0 && g.draining === 0;
    }, 20_000, 'the drain to end once nothing is left to apply');
  });
});
