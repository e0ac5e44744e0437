// Changing QUEUE_SHARDS on a running system: jobs left on the old layout's shards are drained by workers of the new
// one, nothing is stranded, an old layout is forgotten only once nothing needs it, and the postback received last
// wins across shards of two layouts, whatever order they are applied in.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, shardOfTransaction, shardTagsOf, type Config, type Outcome } from '@postback/core';
import { ConflictError } from '../apps/admin/src/adminErrors.js';
import { showConversion } from '../apps/admin/src/services/conversions.js';
import { forgetShardLayout, listShardLayouts } from '../apps/admin/src/services/shardLayouts.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  sendPostback,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

type Worker = ReturnType<typeof startInProcessWorker>;

interface World {
  t: TestEnvironment;
  admin: AdminHandle;
  offerId: number;
  key: string;
  /** The configuration of a process with this QUEUE_SHARDS. */
  layout: (shards: number) => Config;
  /** Receivers and workers started, stopped by afterEach if the test did not. */
  running: Array<{ stop: () => Promise<void> }>;
}

let world: World | undefined;

async function givenWorld(tag: string): Promise<World> {
  const t = await createTestEnvironment(tag, { RATE_LIMIT_PER_KEY: '100000' });
  const admin = connectAdminDeps(t.cfg);
  const offer = await givenOffer(t.prisma);
  const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
  world = { t, admin, offerId: offer.id, key, layout: (shards) => loadConfig({ ...t.env, QUEUE_SHARDS: String(shards) }), running: [] };
  return world;
}

afterEach(async () => {
  if (!world) return;
  for (const p of world.running.reverse()) await p.stop().catch(() => undefined);
  await world.admin.close();
  await world.t.teardown();
  world = undefined;
});

async function receiverOf(w: World, shards: number): Promise<RunningReceiver> {
  const rx = await startReceiver(w.layout(shards));
  w.running.push(rx);
  return rx;
}

function workerOf(w: World, shards: number): Worker {
  const worker = startInProcessWorker(w.layout(shards));
  w.running.push({ stop: () => worker.close() });
  return worker;
}

let txCounter = 0;
/** Fresh transaction ids, `perShard` for each shard of a layout of `shards`. */
function transactionsOnEveryShard(shards: number, perShard: number): string[] {
  const found: string[] = [];
  const counts = new Array<number>(shards).fill(0);
  while (found.length < shards * perShard) {
    const tx = `reshard-tx-${process.pid}-${++txCounter}`;
    const shard = shardOfTransaction(tx, shards);
    if (counts[shard]! < perShard) {
      counts[shard]! += 1;
      found.push(tx);
    }
  }
  return found;
}

/** Sends one postback per transaction (its conversion made first) and returns the postback ids, all answered 202. */
async function sendFor(w: World, rx: RunningReceiver, transactions: string[], reason = 'fraud'): Promise<string[]> {
  await Promise.all(transactions.map((transactionId) => givenConversion(w.t.prisma, { offerId: w.offerId, transactionId })));
  const answers = await Promise.all(transactions.map((transactionId) => sendPostback(rx.baseUrl, { key: w.key, new_rejected_reason: reason, transaction_id: transactionId })));
  expect(answers.map((a) => a.status)).toEqual(transactions.map(() => 202));
  return answers.map((a) => String(a.body.postback_id));
}

async function outcomesOf(w: World, postbackIds: string[]): Promise<Outcome[]> {
  return eventually(async () => {
    const rows = await w.t.prisma.postbackLog.findMany({ where: { postbackId: { in: postbackIds } } });
    return rows.length === postbackIds.length ? rows.map((r) => r.outcome as Outcome) : undefined;
  }, 30_000, `${postbackIds.length} postbacks applied`);
}

/** Jobs still anywhere in the queues of these shards (every state, dead letters too). */
async function jobsLeft(w: World, tags: string[]): Promise<number> {
  let left = 0;
  for (const tag of tags) {
    const { queue, deadLetters } = w.admin.shards.shard(tag);
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
    left += Object.values(counts).reduce((sum, n) => sum + n, 0) + (await deadLetters.getWaitingCount());
  }
  return left;
}

describe('resharding', () => {
  it('from 1 to 3 shards: the old queue is drained by workers of the new layout, then forgotten', async () => {
    const w = await givenWorld('reshard-up');
    const old = w.t.cfg.QUEUE_PREFIX;
    const shards3 = shardTagsOf(old, 3);
    const rx1 = await receiverOf(w, 1);
    const before = await sendFor(w, rx1, transactionsOnEveryShard(3, 3));
    expect(await w.admin.shards.shard(old).queue.getWaitingCount()).toBeGreaterThan(0);
    await expect(forgetShardLayout(w.admin, 1)).rejects.toThrow(/still holds jobs/);

    // The deploy: a worker and a receiver with QUEUE_SHARDS=3; the old receiver still runs for a while.
    const worker = workerOf(w, 3);
    const rx3 = await receiverOf(w, 3);
    const after = await sendFor(w, rx3, transactionsOnEveryShard(3, 3));
    expect(await outcomesOf(w, [...before, ...after])).toEqual([...before, ...after].map(() => 'rejected'));
    await eventually(async () => worker.shards().includes(old), 10_000, 'the new worker to consume the old queue');
    // A job leaves its queue just after its batch commits: the log can show the outcome a moment before.
    await eventually(async () => (await jobsLeft(w, [old, ...shards3])) === 0, 10_000, 'no job left');
    await expect(forgetShardLayout(w.admin, 1)).rejects.toThrow(/running process still uses/);

    await rx1.stop();
    const listed = await listShardLayouts(w.admin);
    expect(listed.layouts.map((l) => [l.shards, l.forgettable])).toEqual([[1, true], [3, false]]);
    expect(listed.layouts[1]!.live_processes).toEqual({ receiver: 1, worker: 1 });
    expect(await forgetShardLayout(w.admin, 1)).toEqual({ forgotten: 1, shards_no_longer_consumed: [old] });
    await worker.refreshShards();
    expect(worker.shards()).toEqual(shards3);
    expect((await listShardLayouts(w.admin)).layouts.map((l) => l.shards)).toEqual([3]);
  });

  it('from 3 to 2 shards: the shard only the old layout has is drained, nothing is stranded, then it is forgotten', async () => {
    const w = await givenWorld('reshard-down');
    const shards3 = shardTagsOf(w.t.cfg.QUEUE_PREFIX, 3);
    const rx3 = await receiverOf(w, 3);
    const before = await sendFor(w, rx3, transactionsOnEveryShard(3, 4));
    await rx3.stop();
    for (const tag of shards3) expect(await w.admin.shards.shard(tag).queue.getWaitingCount(), tag).toBeGreaterThan(0);
    // No process holds the layout any more, but its shards hold jobs: not forgotten.
    await expect(forgetShardLayout(w.admin, 3)).rejects.toThrow(ConflictError);

    const worker = workerOf(w, 2);
    const rx2 = await receiverOf(w, 2);
    const after = await sendFor(w, rx2, transactionsOnEveryShard(2, 3));
    expect(await outcomesOf(w, [...before, ...after])).toEqual([...before, ...after].map(() => 'rejected'));
    expect(worker.shards()).toEqual(shards3);
    await eventually(async () => (await jobsLeft(w, shards3)) === 0, 10_000, 'no job left');

    // Shards 0 and 1 stay (layout 2 has them); only shard 2 is no longer consumed.
    expect(await forgetShardLayout(w.admin, 3)).toEqual({ forgotten: 3, shards_no_longer_consumed: [shards3[2]] });
    await worker.refreshShards();
    expect(worker.shards()).toEqual(shards3.slice(0, 2));
  });

  it('keeps the reason of the postback received last when it is applied first, from a shard of another layout', async () => {
    const w = await givenWorld('reshard-last-wins');
    const conversion = await givenConversion(w.t.prisma, { offerId: w.offerId });
    const [rx1, rx3] = [await receiverOf(w, 1), await receiverOf(w, 3)];
    const send = (rx: RunningReceiver, reason: string) =>
      sendPostback(rx.baseUrl, { key: w.key, new_rejected_reason: reason, transaction_id: conversion.transactionId });
    const earlier = await send(rx1, 'received_first');
    const later = await send(rx3, 'received_last');
    expect([earlier.status, later.status]).toEqual([202, 202]);
    // The earlier one waits on the old layout's queue, paused, until the later one, on a shard of the new layout, is applied.
    const oldQueue = w.admin.shards.shard(w.t.cfg.QUEUE_PREFIX).queue;
    await oldQueue.pause();
    workerOf(w, 3);
    expect(await outcomesOf(w, [String(later.body.postback_id)])).toEqual(['rejected']);
    await oldQueue.resume();
    expect(await outcomesOf(w, [String(earlier.body.postback_id)])).toEqual(['superseded']);

    const rows = await w.t.prisma.postbackLog.findMany({ where: { transactionId: conversion.transactionId }, orderBy: { processedAt: 'asc' } });
    expect(rows.map((r) => [r.reason, r.outcome])).toEqual([['received_last', 'rejected'], ['received_first', 'superseded']]);
    expect(Number(rows[1]!.seq)).toBeLessThan(Number(rows[0]!.seq));
    const shown = await showConversion(w.t.prisma, conversion.transactionId);
    expect(shown).toMatchObject({ status: 'rejected', rejected_reason: 'received_last' });
    expect(shown.history).toHaveLength(1);
  });
});
