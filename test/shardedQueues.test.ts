// QUEUE_SHARDS=3 on a standalone Redis: the postback queue as three queues under hash tags of their own, end to end
// through the receiver and the worker, one job per shard per event-loop turn, a shard that fails alone, and the
// dead-letter queues of every shard shown, replayed and deleted as one list.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkerRedis,
  postbacksOf,
  shardOfTransaction,
  shardTagsOf,
  TransientStoreError,
  type Postback,
} from '@postback/core';
import { createAdminMetrics } from '../apps/admin/src/adminMetrics.js';
import { deleteDeadLetter, listDeadLetters } from '../apps/admin/src/services/deadLetters.js';
import { createDlqReplays } from '../apps/admin/src/services/dlqReplays.js';
import { showPostback } from '../apps/admin/src/services/postbacks.js';
import { Admission } from '../apps/receiver/src/admission.js';
import { EnqueueBatcher, type EnqueueVerdict } from '../apps/receiver/src/enqueueBatcher.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  sendPostback,
  serveAdminApi,
  silent,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const SHARDS = 3;
let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let tags: string[];
let offerId: number;
let advertiserId: number;
let endpointId: number;
let key: string;

beforeAll(async () => {
  t = await createTestEnvironment('sharded', { QUEUE_SHARDS: String(SHARDS), RATE_LIMIT_PER_KEY: '100000' });
  tags = shardTagsOf(t.cfg.QUEUE_PREFIX, SHARDS);
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  const offer = await givenOffer(t.prisma);
  offerId = offer.id;
  advertiserId = offer.advertiserId;
  const url = await givenRejectionUrl(admin, { offerId });
  key = url.key;
  endpointId = url.id;
});

afterAll(async () => {
  await rx?.stop();
  await admin?.close();
  await t?.teardown();
});

// No worker runs unless a test starts one: what the receiver stores stays where the test can see it.
beforeEach(async () => {
  for (const tag of tags) {
    const { queue, deadLetters } = admin.shards.shard(tag);
    await queue.obliterate({ force: true });
    await deadLetters.obliterate({ force: true });
  }
});

let txCounter = 0;
/** A fresh transaction id whose postbacks go to shard `index` (of SHARDS). */
function transactionOnShard(index: number): string {
  for (;;) {
    const tx = `sharded-tx-${++txCounter}`;
    if (shardOfTransaction(tx, SHARDS) === index) return tx;
  }
}

/** Every postback queued on each shard, by shard tag. */
async function queuedByShard(): Promise<Map<string, Postback[][]>> {
  const byShard = new Map<string, Postback[][]>();
  for (const tag of tags) {
    const jobs = await admin.shards.shard(tag).queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    byShard.set(tag, jobs.map((job) => postbacksOf(job.data)));
  }
  return byShard;
}

describe('sharded postback queues', () => {
  it('puts each shard under a hash tag of its own, derived from QUEUE_PREFIX', () => {
    const stem = t.cfg.QUEUE_PREFIX.slice(0, -1);
    expect(tags).toEqual([`${stem}-0}`, `${stem}-1}`, `${stem}-2}`]);
    expect(admin.shards.shard(tags[1]!).queue.qualifiedName).toBe(`${stem}-1}:rejections`);
    expect(admin.shards.shard(tags[1]!).deadLetters.qualifiedName).toBe(`${stem}-1}:rejections-dead`);
  });

  it('stores a turn with postbacks for several shards as one job per shard, each with only its shard’s postbacks', async () => {
    const redis = createWorkerRedis(t.cfg);
    try {
      const batcher = new EnqueueBatcher(admin.shards, new Admission(redis, t.cfg.QUEUE_PREFIX, 100_000, 1000));
      // Twelve requests handed in within one event-loop turn: four transactions per shard.
      const transactions = [0, 1, 2].flatMap((shard) => [1, 2, 3, 4].map(() => transactionOnShard(shard)));
      const verdicts = await Promise.all(
        transactions.map((transactionId) =>
          batcher.admitAndEnqueue({ endpointId, scope: { kind: 'offer', advertiserId, offerId }, transactionId, reason: 'fraud', receivedAt: Date.now() }),
        ),
      );
      expect(verdicts.every((v) => v.stored)).toBe(true);
      const queued = await queuedByShard();
      tags.forEach((tag, shard) => {
        expect(queued.get(tag), tag).toHaveLength(1);
        const postbacks = queued.get(tag)![0]!;
        expect(postbacks).toHaveLength(4);
        for (const p of postbacks) expect(shardOfTransaction(p.transactionId, SHARDS)).toBe(shard);
      });
      // One receipt sequence across the shards: the twelve numbers are consecutive, in the order handed in.
      const seqOf = new Map([...queued.values()].flat(2).map((p) => [p.transactionId, p.seq]));
      const seqs = transactions.map((tx) => seqOf.get(tx)!);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    } finally {
      redis.disconnect();
    }
  });

  it('answers 503 for the postbacks of a shard that cannot store, and 202 for the other shards’ in the same turn', async () => {
    // A broken id counter makes every add to shard 1 fail (BullMQ INCRs it on each add).
    const brokenCounter = `${tags[1]}:rejections:id`;
    const redis = createWorkerRedis(t.cfg);
    await redis.set(brokenCounter, 'not-a-number');
    try {
      const batcher = new EnqueueBatcher(admin.shards, new Admission(redis, t.cfg.QUEUE_PREFIX, 100_000, 1000));
      const transactions = [transactionOnShard(0), transactionOnShard(1), transactionOnShard(2), transactionOnShard(1)];
      const settled = await Promise.allSettled(
        transactions.map((transactionId) =>
          batcher.admitAndEnqueue({ endpointId, scope: { kind: 'offer', advertiserId, offerId }, transactionId, reason: 'fraud', receivedAt: Date.now() }),
        ),
      );
      const outcome = (s: PromiseSettledResult<EnqueueVerdict>) =>
        s.status === 'fulfilled' ? (s.value.stored ? 'stored' : 'limited') : s.reason instanceof TransientStoreError ? 'unavailable' : 'other';
      expect(settled.map(outcome)).toEqual(['stored', 'unavailable', 'stored', 'unavailable']);
      const queued = await queuedByShard();
      expect(queued.get(tags[1]!)).toEqual([]);
      expect(queued.get(tags[0]!)!.flat().map((p) => p.transactionId)).toEqual([transactions[0]]);

      // Over HTTP: the shard that cannot store answers 503 with Retry-After, another 202.
      const refused = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: transactionOnShard(1) });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).not.toBeNull();
      const accepted = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: transactionOnShard(2) });
      expect(accepted.status).toBe(202);
    } finally {
      await redis.del(brokenCounter);
      redis.disconnect();
    }
  });

  it('applies postbacks of every shard end to end, receiver to worker, and leaves every shard empty', async () => {
    const conversions = await Promise.all(
      [0, 1, 2].flatMap((shard) => [1, 2].map(() => givenConversion(t.prisma, { offerId, transactionId: transactionOnShard(shard) }))),
    );
    const answers = await Promise.all(
      conversions.map((c) => sendPostback(rx.baseUrl, { key, new_rejected_reason: 'bot_traffic', transaction_id: c.transactionId })),
    );
    expect(answers.map((a) => a.status)).toEqual(conversions.map(() => 202));
    // Before a worker runs, each shard holds its own transactions' postbacks.
    const queued = await queuedByShard();
    tags.forEach((tag, shard) => {
      const held = queued.get(tag)!.flat();
      expect(held.length, tag).toBe(2);
      for (const p of held) expect(shardOfTransaction(p.transactionId, SHARDS)).toBe(shard);
    });

    const worker = startInProcessWorker(t.cfg);
    try {
      expect(worker.shards()).toEqual(tags);
      for (const answer of answers) {
        const id = String(answer.body.postback_id);
        const row = await eventually(async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId: id } })) ?? undefined, 20_000, `postback ${id}`);
        expect(row.outcome).toBe('rejected');
      }
      for (const c of conversions) {
        expect(await t.prisma.conversion.findUnique({ where: { transactionId: c.transactionId } })).toMatchObject({ status: 'rejected', rejectedReason: 'bot_traffic' });
      }
      await eventually(async () => [...(await queuedByShard()).values()].every((jobs) => jobs.length === 0), 10_000, 'every shard empty');
      // The worker's metrics carry the shard: each shard consumed, and its two postbacks counted under it.
      const text = await worker.metrics.registry.metrics();
      for (const tag of tags) {
        expect(text).toContain(`postback_worker_consuming{shard="${tag}"} 1`);
        expect(text).toContain(`postback_worker_postbacks_total{outcome="rejected",shard="${tag}"} 2`);
      }
    } finally {
      await worker.close();
    }
  });

  it('shows the dead letters of every shard as one list, each saying its shard, and replays each back onto its own shard', async () => {
    const dead = await Promise.all(
      tags.map((tag, shard) => givenDeadLetter(admin.shards.shard(tag).deadLetters, { transactionId: transactionOnShard(shard), errorKind: '23514' })),
    );
    const listed = await listDeadLetters(admin, {});
    expect(listed.total).toBe(3);
    expect(listed.jobs.map((j) => [j.id, 'shard' in j ? j.shard : undefined]).sort()).toEqual(dead.map((id, i) => [id, tags[i]]).sort());
    // Paged across shards: two pages of two hold all three, once each.
    const pages = [await listDeadLetters(admin, { limit: 2 }), await listDeadLetters(admin, { limit: 2, offset: 2 })];
    expect(pages.map((p) => p.jobs.length)).toEqual([2, 1]);
    expect(new Set(pages.flatMap((p) => p.jobs.map((j) => j.id)))).toEqual(new Set(dead));
    // A postback's status finds it in whichever shard's dead-letter queue holds it.
    expect((await showPostback(admin, dead[2]!)).outcome).toBe('dead_lettered');

    const replays = createDlqReplays(admin, silent());
    try {
      const record = await replays.run({ filter: { error_kind: '23514' } }, 'test');
      expect(record).toMatchObject({ status: 'completed', matched: 3, replayed: 3, missing: 0 });
      // The record names every shard's dead-letter queue it replayed.
      expect((record as { queue: string }).queue.split(' ')).toEqual(tags.map((tag) => `${tag}:rejections-dead`));
    } finally {
      await replays.close();
    }
    for (const [i, tag] of tags.entries()) {
      const { queue, deadLetters } = admin.shards.shard(tag);
      expect(await queue.getJob(dead[i]!), `${dead[i]} back on ${tag}`).toBeDefined();
      expect(await deadLetters.getWaitingCount()).toBe(0);
      for (const other of tags.filter((o) => o !== tag)) expect(await admin.shards.shard(other).queue.getJob(dead[i]!)).toBeUndefined();
    }
  });

  it('deletes a dead letter by its id from whichever shard holds it', async () => {
    const id = await givenDeadLetter(admin.shards.shard(tags[2]!).deadLetters, { transactionId: transactionOnShard(2) });
    expect(await deleteDeadLetter(admin, id)).toEqual({ deleted: id });
    expect(await admin.shards.shard(tags[2]!).deadLetters.getJob(id)).toBeUndefined();
    await expect(deleteDeadLetter(admin, id)).rejects.toThrow(/not found/);
  });

  it('reports every shard’s queue depths under the label shard', async () => {
    await givenDeadLetter(admin.shards.shard(tags[1]!).deadLetters, { transactionId: transactionOnShard(1) });
    const metrics = createAdminMetrics(admin);
    const text = await metrics.registry.metrics();
    for (const tag of tags) {
      expect(text).toContain(`postback_queue_jobs{queue="main",state="waiting",shard="${tag}"}`);
      expect(text).toContain(`postback_queue_oldest_waiting_age_seconds{shard="${tag}"}`);
    }
    expect(text).toContain(`postback_queue_jobs{queue="dead_letter",state="waiting",shard="${tags[1]}"} 1`);
    expect(text).toContain(`postback_queue_jobs{queue="dead_letter",state="waiting",shard="${tags[0]}"} 0`);
  });

  it('shows every shard’s queues on the dashboard, each under its shard’s tag, all read-only', async () => {
    const token = 'sharded-dashboard-token-0123456789';
    const served = await serveAdminApi(admin, token);
    try {
      const board = (method: string, path: string) =>
        fetch(`${served.baseUrl}/admin/queues/api/queues${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      const listed = (await (await board('GET', '')).json()) as { queues: Array<{ name: string }> };
      const names = listed.queues.map((q) => q.name).sort();
      expect(names).toEqual(tags.flatMap((tag) => [`${tag}:rejections`, `${tag}:rejections-dead`]).sort());
      expect((await board('PUT', `/${encodeURIComponent(`${tags[2]}:rejections-dead`)}/empty`)).status).toBe(405);
    } finally {
      await served.close();
    }
  });
});
