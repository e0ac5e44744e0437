import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createWorkerRedis,
  DEAD_LETTER_JOB_NAME,
  moveToDeadLetter,
  POSTBACK_JOB_NAME,
  replayDeadLetter,
  type PostbackJob,
  type ReplayOutcome,
} from '@postback/core';
import { deleteDeadLetter } from '../apps/admin/src/services/deadLetters.js';
import { connectAdminDeps, onlyShard, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;

beforeAll(async () => {
  t = await createTestEnvironment('dead_letter_move');
  admin = connectAdminDeps(t.cfg);
});

afterAll(async () => {
  await admin.close();
  await t.teardown();
});

const postback: PostbackJob = {
  v: 1,
  postbackId: '2f1c5c1e-7d35-4a8e-9a52-3c0f4b7e0001',
  endpointId: 1,
  scope: { kind: 'global', advertiserId: 1, offerId: null },
  transactionId: 'tx-move',
  reason: 'fraud',
  seq: 1,
  receivedAt: Date.now(),
};

/** A job in the main queue's failed set, as the worker's 'failed' event hands it to the dead-letter move. */
async function givenFailedJob(id: string): Promise<Job<PostbackJob>> {
  await onlyShard(admin).queue.add(POSTBACK_JOB_NAME, postback, { jobId: id, attempts: 1 });
  const connection = createWorkerRedis(t.cfg);
  const failing = new Worker(onlyShard(admin).queue.name, async () => { throw new UnrecoverableError('refused'); }, { connection, prefix: t.cfg.QUEUE_PREFIX });
  await new Promise<void>((resolve) => failing.on('failed', () => resolve()));
  await failing.close();
  connection.disconnect();
  return (await onlyShard(admin).queue.getJob(id))!;
}

it('never lets a replay run between the worker\'s dead-letter add and its remove from the main queue', async () => {
  const id = postback.postbackId;
  const failed = await givenFailedJob(id);
  expect(await failed.getState()).toBe('failed');

  let replay: Promise<ReplayOutcome> | undefined;
  // The worker's move, held open between its two steps; an operator's replay of the same id starts in between.
  await onlyShard(admin).pair.lock.whileHolding(id, async () => {
    await onlyShard(admin).deadLetters.add(DEAD_LETTER_JOB_NAME, { job: postback, failedReason: 'refused', errors: [], attemptsMade: 1, deadLetteredAt: Date.now() }, { jobId: id });
    replay = replayDeadLetter(onlyShard(admin).pair, id);
    await sleep(300);
    await failed.remove();
  });
  expect(await replay).toBe('replayed');

  // Back in the main queue, waiting, and out of the dead-letter queue: in exactly one of the two.
  const back = await onlyShard(admin).queue.getJob(id);
  expect(back).toBeDefined();
  expect(await back!.getState()).toBe('waiting');
  // As it was dead-lettered, marked as replayed (its postbacks are logged with source 'replay').
  expect(back!.data).toEqual({ ...postback, replayed: true });
  expect(await onlyShard(admin).deadLetters.getJob(id)).toBeUndefined();
});

it('leaves a replayed job on the main queue when a late mover (a sweep, or the failed event) comes for its failed copy', async () => {
  const id = randomUUID();
  // Two movers read the same failed job: the first moves it, and it is replayed before the second gets the lock.
  const failed = await givenFailedJob(id);
  expect(await moveToDeadLetter(onlyShard(admin).pair, failed)).toBe(true);
  expect(await replayDeadLetter(onlyShard(admin).pair, id)).toBe('replayed');

  expect(await moveToDeadLetter(onlyShard(admin).pair, failed, new Error('refused'))).toBe(false);

  expect(await (await onlyShard(admin).queue.getJob(id))?.getState()).toBe('waiting');
  expect(await onlyShard(admin).deadLetters.getJob(id)).toBeUndefined();
});

it('never counts a dead letter as deleted that a replay under way takes', async () => {
  const id = randomUUID();
  await onlyShard(admin).deadLetters.add(DEAD_LETTER_JOB_NAME, { job: postback, failedReason: 'refused', errors: [], attemptsMade: 1, deadLetteredAt: Date.now() }, { jobId: id });
  let deletion: Promise<unknown> | undefined;
  // A replay, held open between its add to the main queue and its remove from the dead-letter queue; an operator's
  // delete of the same entry comes in between.
  await onlyShard(admin).pair.lock.whileHolding(id, async () => {
    await onlyShard(admin).queue.add(POSTBACK_JOB_NAME, postback, { jobId: id });
    deletion = deleteDeadLetter(admin, id).catch((err: Error) => err.name);
    await sleep(300);
    await onlyShard(admin).deadLetters.remove(id);
  });

  expect(await deletion).toBe('NotFoundError');
  expect(await onlyShard(admin).queue.getJob(id)).toBeDefined();
});
