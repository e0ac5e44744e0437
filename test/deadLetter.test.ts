import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerRedis, loadConfig, PostbackShards } from '@postback/core';
import { deleteDeadLetter, listDeadLetters, replayDeadLetters } from '../apps/admin/src/services/deadLetters.js';
import { createDlqReplays, type DlqReplays } from '../apps/admin/src/services/dlqReplays.js';
import { showPostback } from '../apps/admin/src/services/postbacks.js';
import { givenConversion, givenOffer, givenPostbackLogRefusing, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, sendPostback, silent, startInProcessWorker, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { freePort } from './helpers/freePort.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let replays: DlqReplays;
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;
let key: string;
let offerId: number;

beforeAll(async () => {
  t = await createTestEnvironment('dead_letter', { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' });
  admin = connectAdminDeps(t.cfg);
  replays = createDlqReplays(admin, silent());
  rx = await startReceiver(t.cfg);
  worker = startInProcessWorker(t.cfg);
  const offer = await givenOffer(t.prisma);
  offerId = offer.id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
});

afterAll(async () => {
  await replays.close();
  await worker.close();
  await rx.stop();
  await admin.close();
  await t.teardown();
});


async function deadLettered(postbackId: string) {
  return eventually(async () => (await onlyShard(admin).deadLetters.getJob(postbackId)) ?? undefined, 20_000, `${postbackId} in the DLQ`);
}

describe('dead-letter queue', () => {
  it('dead-letters a postback that fails every attempt, with its error history, without holding up its batch', async () => {
    const broken = await givenConversion(t.prisma, { offerId, transactionId: 'tx-broken' });
    const healthy = await givenConversion(t.prisma, { offerId });
    const fixDatabase = await givenPostbackLogRefusing(t.prisma, broken.transactionId);
    try {
      const [bad, good] = await Promise.all([
        sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: broken.transactionId }),
        sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: healthy.transactionId }),
      ]);
      const badId = String(bad.body.postback_id);
      const dead = await deadLettered(badId);
      expect(dead.data.attemptsMade).toBe(3);
      expect(dead.data.errors).toHaveLength(3);
      expect(dead.data.failedReason).toContain('refused by test trigger');
      expect(await showPostback(admin, badId)).toMatchObject({ outcome: 'dead_lettered', attempts: 3, transaction_id: 'tx-broken' });
      expect(await showPostback(admin, String(good.body.postback_id))).toMatchObject({ outcome: 'rejected' });
      expect(await onlyShard(admin).queue.getJob(badId)).toBeUndefined();
      const listed = await listDeadLetters(admin, {});
      expect(listed.jobs.map((j) => j.id)).toContain(badId);

      await fixDatabase();
      expect(await replayDeadLetters(replays, { ids: [badId] }, 'test')).toMatchObject({ replayed: 1, missing: [] });
      await eventually(async () => (await showPostback(admin, badId)).outcome === 'rejected', 20_000, 'the replay to apply');
      expect(await onlyShard(admin).deadLetters.getJob(badId)).toBeUndefined();
      expect(await t.prisma.conversionStatusHistory.count({ where: { conversionId: broken.id } })).toBe(1);
      // The log says how each arrived: the replayed one back from the dead-letter queue.
      const goodId = String(good.body.postback_id);
      const logged = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: [badId, goodId] } } });
      expect(Object.fromEntries(logged.map((r) => [r.postbackId, r.source]))).toEqual({ [badId]: 'replay', [goodId]: 'url' });

      // Replaying the same postback again (a stale copy) changes nothing: no second history row.
      await onlyShard(admin).deadLetters.add('dead', dead.data, { jobId: badId });
      const again = await replayDeadLetters(replays, { all: true }, 'test');
      expect(await replays.settled(again.replay_id)).toMatchObject({ status: 'completed', replayed: 1 });
      await eventually(async () => (await onlyShard(admin).queue.getJob(badId)) === undefined, 20_000, 'the second replay to finish');
      expect(await t.prisma.conversionStatusHistory.count({ where: { conversionId: broken.id } })).toBe(1);
      expect(await t.prisma.postbackLog.count({ where: { postbackId: badId } })).toBe(1);
    } finally {
      await fixDatabase();
    }
  });

  it('dead-letters at once a postback whose data Postgres refuses (check_violation), and applies the rest of its burst', async () => {
    const broken = await givenConversion(t.prisma, { offerId, transactionId: 'tx-check-violation' });
    const healthy = await Promise.all(Array.from({ length: 20 }, () => givenConversion(t.prisma, { offerId })));
    await t.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION violate_check() RETURNS trigger AS $$
      BEGIN
        IF NEW.transaction_id = '${broken.transactionId}' THEN
          RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'refused by test constraint';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await t.prisma.$executeRawUnsafe(
      'CREATE TRIGGER violate_check BEFORE INSERT ON postback_log FOR EACH ROW EXECUTE FUNCTION violate_check()',
    );
    try {
      const answers = await Promise.all(
        [broken, ...healthy].map((c) => sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: c.transactionId })),
      );
      const [badId, ...goodIds] = answers.map((a) => String(a.body.postback_id));
      const dead = await deadLettered(badId!);
      // JOB_ATTEMPTS is 3 in this file: a retried failure would show 3.
      expect(dead.data.attemptsMade).toBe(1);
      expect(dead.data.failedReason).toContain('23514');
      expect(dead.data.failedReason).toContain('refused by test constraint');
      await eventually(
        async () => (await t.prisma.postbackLog.count({ where: { postbackId: { in: goodIds }, outcome: 'rejected' } })) === goodIds.length,
        20_000,
        'the rest of the burst to be applied',
      );
    } finally {
      await t.prisma.$executeRawUnsafe('DROP TRIGGER IF EXISTS violate_check ON postback_log');
    }
  });

  it('sweeps a job left in the failed set to the dead-letter queue while Postgres is unreachable', async () => {
    // Queues of their own, so the other worker of this file (which reaches Postgres) cannot do the sweep.
    const cfg = loadConfig({
      ...t.env,
      QUEUE_NAME: 'sweep-test',
      DEAD_LETTER_QUEUE_NAME: 'sweep-test-dead',
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/nowhere`,
    });
    const redis = createWorkerRedis(cfg);
    const shards = new PostbackShards(cfg, redis, { role: 'test' });
    const { queue, deadLetters } = shards.shard(cfg.QUEUE_PREFIX);
    // A failed job as a crash between "failed" and the dead-letter move leaves it.
    await queue.add('rejection', { v: 99 } as never, { jobId: 'left-failed', attempts: 1 });
    const picker = new Worker(cfg.QUEUE_NAME, null, { connection: redis, prefix: cfg.QUEUE_PREFIX, autorun: false });
    const job = (await picker.getNextJob('test-token'))!;
    await job.moveToFailed(new Error('crashed before the move'), 'test-token');
    await picker.close();
    expect(await queue.getFailedCount()).toBe(1);

    const cutOff = startInProcessWorker(cfg);
    try {
      const moved = await eventually(async () => (await deadLetters.getJob('left-failed')) ?? undefined, 10_000, 'the sweep');
      expect(moved.data.failedReason).toBe('crashed before the move');
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await cutOff.close();
      await shards.close();
      redis.disconnect();
    }
  });

  it('sends an unreadable job to the dead-letter queue at once, without spending its other attempts', async () => {
    const poison = await onlyShard(admin).queue.add('rejection', { v: 99, garbage: true } as never, { jobId: 'poison-1', attempts: 3 });
    const dead = await deadLettered(poison.id!);
    expect(dead.data.attemptsMade).toBe(1);
    expect(dead.data.failedReason).toContain('unreadable postback job');
    // And the queue goes on with the others.
    const c = await givenConversion(t.prisma, { offerId });
    const after = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: c.transactionId });
    await eventually(async () => (await showPostback(admin, String(after.body.postback_id))).outcome === 'rejected');
    expect(await deleteDeadLetter(admin, 'poison-1')).toEqual({ deleted: 'poison-1' });
    expect(await onlyShard(admin).deadLetters.getJob('poison-1')).toBeUndefined();
  });

  it('reports ids that are not in the dead-letter queue instead of failing the replay', async () => {
    expect(await replayDeadLetters(replays, { ids: ['no-such-id'] }, 'test')).toMatchObject({ replayed: 0, missing: ['no-such-id'] });
  });
});
