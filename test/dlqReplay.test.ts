import { createHash } from 'node:crypto';
import { Worker } from 'bullmq';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerRedis, type RedisConnection } from '@postback/core';
import { createDlqReplays, type DlqReplays, type ReplayRecord } from '../apps/admin/src/services/dlqReplays.js';
import { showPostback } from '../apps/admin/src/services/postbacks.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import { givenConversion, givenOffer, givenPostbackLogRefusing, givenRejectionUrl } from './helpers/fixtures.js';
import {
  onlyShard,
  onlyShardWorker,
  sendPostback,
  silent,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
} from './helpers/pipeline.js';
import { eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'dlq-replay-admin-token-0123456789';
const HOUR = 3_600_000;
const served = useAdminApi('dlq_replay', TOKEN, { env: { JOB_ATTEMPTS: '1', DLQ_REPLAY_RATE_PER_SECOND: '10000' }, replays: true });
let t: TestEnvironment;
let admin: AdminHandle;
let replays: DlqReplays;
let api: string;

beforeAll(() => {
  ({ t, admin, replays, api } = served);
});

// No worker runs in most tests, so a replayed job stays on the main queue where the test can see it.
beforeEach(async () => {
  await onlyShard(admin).queue.obliterate({ force: true });
  await onlyShard(admin).deadLetters.obliterate({ force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function replayNow(filter: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<ReplayRecord> {
  return (await replays.run({ filter, ...extra }, 'test')) as ReplayRecord;
}

async function onMainQueue(ids: string[]): Promise<string[]> {
  const found = await Promise.all(ids.map(async (id) => ((await onlyShard(admin).queue.getJob(id)) ? id : undefined)));
  return found.filter((id): id is string => id !== undefined);
}

describe('a filtered replay of the dead-letter queue', () => {
  it('replays only the dead letters of the error kinds asked for, telling kinds the worker did not record from the reason', async () => {
    const constraint = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' });
    const unreadable = await givenDeadLetter(onlyShard(admin).deadLetters, { unreadable: true });
    const raised = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'P0001' });
    const swept = await givenDeadLetter(onlyShard(admin).deadLetters, {
      errorKind: null,
      failedReason: 'refused for good: Raw query failed. Code: `23514`. Message: `new row violates check constraint`',
    });

    const record = await replayNow({ error_kind: ['23514', 'unreadable'] });

    expect(record).toMatchObject({ status: 'completed', matched: 3, replayed: 3, missing: 0 });
    expect((await onMainQueue([constraint, unreadable, raised, swept])).sort()).toEqual([constraint, unreadable, swept].sort());
    expect(await onlyShard(admin).deadLetters.getJob(raised)).toBeDefined();
    expect(await onlyShard(admin).deadLetters.getJob(constraint)).toBeUndefined();
  });

  it('replays only what was dead-lettered within the time range', async () => {
    const now = Date.now();
    const threeHoursAgo = await givenDeadLetter(onlyShard(admin).deadLetters, { deadLetteredAt: now - 3 * HOUR });
    const twoHoursAgo = await givenDeadLetter(onlyShard(admin).deadLetters, { deadLetteredAt: now - 2 * HOUR });
    const anHourAgo = await givenDeadLetter(onlyShard(admin).deadLetters, { deadLetteredAt: now - HOUR });
    const justNow = await givenDeadLetter(onlyShard(admin).deadLetters, { deadLetteredAt: now });

    const between = await replays.run(
      { filter: { from: new Date(now - 2.5 * HOUR).toISOString(), to: new Date(now - 0.5 * HOUR).toISOString() }, dry_run: true },
      'test',
    );
    expect(between).toMatchObject({ dry_run: true, matched: 2 });
    await replayNow({ older_than: '90m' });
    expect((await onMainQueue([threeHoursAgo, twoHoursAgo, anHourAgo, justNow])).sort()).toEqual([threeHoursAgo, twoHoursAgo].sort());
  });

  it("replays only an advertiser's or an offer's postbacks, an offer's including those sent to a global URL for its conversions", async () => {
    const offer = await givenOffer(t.prisma);
    const otherOffer = await givenOffer(t.prisma, offer.advertiserId);
    const conversionOfOther = await givenConversion(t.prisma, { offerId: otherOffer.id });
    const offerLevel = await givenDeadLetter(onlyShard(admin).deadLetters, { advertiserId: offer.advertiserId, offerId: offer.id, endpointId: 7 });
    const viaGlobalUrl = await givenDeadLetter(onlyShard(admin).deadLetters, {
      advertiserId: offer.advertiserId,
      offerId: null,
      endpointId: 8,
      transactionId: conversionOfOther.transactionId,
    });
    const otherAdvertiser = await givenDeadLetter(onlyShard(admin).deadLetters, { advertiserId: offer.advertiserId + 1000, offerId: null });

    expect(await replays.run({ filter: { advertiser_id: offer.advertiserId }, dry_run: true }, 'test')).toMatchObject({ matched: 2 });
    expect(await replays.run({ filter: { endpoint_id: 8 }, dry_run: true }, 'test')).toMatchObject({ matched: 1 });
    await replayNow({ offer_id: otherOffer.id });
    expect(await onMainQueue([offerLevel, viaGlobalUrl, otherAdvertiser])).toEqual([viaGlobalUrl]);
    await replayNow({ offer_id: offer.id });
    expect((await onMainQueue([offerLevel, viaGlobalUrl, otherAdvertiser])).sort()).toEqual([offerLevel, viaGlobalUrl].sort());
  });

  it('estimates a replay without replaying or recording anything (dry run)', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23505' })));
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'P0001' });
    const before = await t.prisma.dlqReplay.count();

    const { status, body } = await call('POST', '/admin/dlq/replays', { filter: { error_kind: '23505' }, dry_run: true });

    expect(status).toBe(200);
    expect(body).toMatchObject({ dry_run: true, matched: 3 });
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(4);
    expect(await onMainQueue(ids)).toEqual([]);
    expect(await t.prisma.dlqReplay.count()).toBe(before);
  });

  it('refuses a filter with a misspelt field instead of matching everything', async () => {
    const { status, body } = await call('POST', '/admin/dlq/replays', { filter: { error_kinds: ['23505'] } });
    expect(status).toBe(400);
    expect(String(body.error)).toContain('error_kinds');
  });
});

describe('a replay running in the background', () => {
  it('keeps to its rate cap, by the start and end it records', async () => {
    await Promise.all(Array.from({ length: 60 }, () => givenDeadLetter(onlyShard(admin).deadLetters)));

    const started = await call('POST', '/admin/dlq/replays', { filter: {}, rate_per_second: 20 });
    expect(started.status).toBe(202);
    const id = String(started.body.id);
    expect(started.headers.get('location')).toBe(`/admin/dlq/replays/${id}`);
    const done = await eventually(async () => {
      const polled = (await call('GET', `/admin/dlq/replays/${id}`)).body;
      return polled.status !== 'running' && polled;
    }, 30_000, 'the replay to finish');

    expect(done).toMatchObject({ status: 'completed', matched: 60, replayed: 60, rate_per_second: 20 });
    const seconds = (Date.parse(String(done.finished_at)) - Date.parse(String(done.started_at))) / 1000;
    // The pacer starts the n-th job no sooner than n / rate after the recorded start: a small margin for rounding.
    expect(60 / seconds).toBeLessThanOrEqual(20 * 1.05);
    expect(await onlyShard(admin).queue.getWaitingCount()).toBe(60);
  });

  it('stops when cancelled from another admin instance, leaving the rest in the dead-letter queue', async () => {
    await Promise.all(Array.from({ length: 100 }, () => givenDeadLetter(onlyShard(admin).deadLetters)));
    const started = (await replays.start({ filter: {}, rate_per_second: 10 }, 'test')) as ReplayRecord;
    await eventually(async () => (await replays.get(started.id)).replayed >= 2, 20_000, 'the replay to get going');

    const elsewhere = createDlqReplays(admin, silent());
    expect(await elsewhere.cancel(started.id)).toMatchObject({ cancel_requested: true });
    const done = await replays.settled(started.id);

    expect(done.status).toBe('cancelled');
    expect(done.replayed).toBeLessThan(100);
    expect(await onlyShard(admin).queue.getWaitingCount()).toBe(done.replayed);
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(100 - done.replayed);
  });

  it('lists every replay in the history, newest first, with who ran it, and marks one whose process died as interrupted', async () => {
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' });
    const byToken = await call('POST', '/admin/dlq/replays', { filter: { error_kind: ['23514'] } });
    await replays.settled(String(byToken.body.id));
    const byName = await call('POST', '/admin/dlq/replays', { filter: { advertiser_id: 5 }, operator: 'alice' });
    await replays.settled(String(byName.body.id));
    // A replay whose admin process was killed: still "running", its heartbeat long silent.
    const orphan = await t.prisma.dlqReplay.create({
      data: { id: crypto.randomUUID(), filter: {}, ratePerSecond: 5, operator: 'bob', heartbeatAt: new Date(Date.now() - HOUR), createdAt: new Date(Date.now() - 2 * HOUR) },
    });

    const { body } = await call('GET', '/admin/dlq/replays?limit=100');
    const history = body.replays as ReplayRecord[];
    const fingerprint = `token:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 12)}`;
    expect(history[0]).toMatchObject({ id: byName.body.id, operator: 'alice', filter: { advertiser_id: 5 }, matched: 0, replayed: 0, status: 'completed' });
    expect(history[1]).toMatchObject({ id: byToken.body.id, operator: fingerprint, filter: { error_kind: ['23514'] }, matched: 1, replayed: 1, status: 'completed' });
    expect(history.find((r) => r.id === orphan.id)).toMatchObject({ status: 'interrupted', finished_at: orphan.heartbeatAt.toISOString() });
    expect(JSON.stringify(history)).not.toContain(TOKEN);
  });

  it('records a replay still running when its admin process stops as interrupted', async () => {
    await Promise.all(Array.from({ length: 20 }, () => givenDeadLetter(onlyShard(admin).deadLetters)));
    const own = createDlqReplays(admin, silent());
    const started = (await own.start({ filter: {}, rate_per_second: 2 }, 'test')) as ReplayRecord;
    await eventually(async () => (await own.get(started.id)).matched === 20, 20_000, 'the scan');
    await own.close();
    expect(await replays.get(started.id)).toMatchObject({ status: 'interrupted' });
  });
});

describe('POST /admin/dlq/replay', () => {
  it('replays the ids given in the foreground, says which were missing, and records the replay like any other', async () => {
    const [first, second] = await Promise.all([1, 2].map(() => givenDeadLetter(onlyShard(admin).deadLetters)));

    const { status, body } = await call('POST', '/admin/dlq/replay', { ids: [first, 'no-such-id', second] });

    expect(status).toBe(200);
    expect(body).toMatchObject({ replayed: 2, missing: ['no-such-id'] });
    expect((body.ids as string[]).sort()).toEqual([first, second].sort());
    expect(await onMainQueue([first!, second!])).toHaveLength(2);
    const fingerprint = `token:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 12)}`;
    expect((await call('GET', `/admin/dlq/replays/${body.replay_id}`)).body).toMatchObject({
      status: 'completed',
      queue: onlyShard(admin).deadLetters.qualifiedName,
      filter: { ids: [first, 'no-such-id', second] },
      operator: fingerprint,
      matched: 2,
      replayed: 2,
    });
  });

  it('starts a replay of everything in the background and answers 202 with its id, to poll', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => givenDeadLetter(onlyShard(admin).deadLetters)));

    const started = await call('POST', '/admin/dlq/replay', { all: true, operator: 'dave' });

    expect(started.status).toBe(202);
    expect(Object.keys(started.body)).toEqual(['replay_id']);
    expect(started.headers.get('location')).toBe(`/admin/dlq/replays/${started.body.replay_id}`);
    expect(await replays.settled(String(started.body.replay_id))).toMatchObject({ status: 'completed', operator: 'dave', matched: 3, replayed: 3 });
    expect(await onMainQueue(ids)).toHaveLength(3);
  });
});

/** How often each job was added to the main queue: BullMQ logs every add as 'added', or 'duplicated' when the id is there already. */
async function addsToMainQueue(redis: RedisConnection, ids: string[]): Promise<Record<string, number>> {
  const events = await redis.xrange(onlyShard(admin).queue.keys.events!, '-', '+');
  const adds = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const [, fields] of events) {
    const event = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
    if ((event.event === 'added' || event.event === 'duplicated') && event.jobId! in adds) adds[event.jobId!]! += 1;
  }
  return adds;
}

describe('replays running at once', () => {
  it('replays each dead-lettered job exactly once however many replays ask for it, and their counts add up exactly', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map(() => givenDeadLetter(onlyShard(admin).deadLetters)));
    // A stand-in for the postback worker: it counts the runs of each job and removes it when done, as the real one
    // does, so a copy re-queued after the first had run would run a second time.
    const runs = new Map<string, number>();
    const connection = createWorkerRedis(t.cfg);
    const counter = new Worker(onlyShard(admin).queue.name, async (job) => void runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1), {
      connection,
      prefix: t.cfg.QUEUE_PREFIX,
      removeOnComplete: { count: 0 },
    });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/admin/dlq/replay', { ids })));

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.reduce((sum, a) => sum + Number(a.body.replayed), 0)).toBe(4);
      expect(answers.flatMap((a) => a.body.ids as string[]).sort()).toEqual([...ids].sort());
      // Each answer accounts for every id asked for: replayed by this replay, or missing (another one took it).
      for (const a of answers) expect([...(a.body.ids as string[]), ...(a.body.missing as string[])].sort()).toEqual([...ids].sort());
      expect(await addsToMainQueue(connection, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      await eventually(async () => ids.every((id) => runs.has(id)), 20_000, 'every replayed job to run');
      expect(ids.map((id) => runs.get(id))).toEqual([1, 1, 1, 1]);
      expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(0);
      // Every replay is in the history, and the history adds up too.
      const recorded = await Promise.all(answers.map((a) => replays.get(String(a.body.replay_id))));
      expect(recorded.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
      expect(recorded.reduce((sum, r) => sum + r.replayed, 0)).toBe(4);
    } finally {
      await counter.close();
      connection.disconnect();
    }
  });
});

describe('purging the dead-letter queue', () => {
  it('only counts without confirm (400), and with it drops just what the filter matches', async () => {
    const old = await Promise.all([1, 2].map(() => givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable', deadLetteredAt: Date.now() - 10 * 86_400_000 })));
    const recent = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable' });
    const otherKind = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514', deadLetteredAt: Date.now() - 10 * 86_400_000 });
    const filter = { older_than: '7d', error_kind: 'unreadable' };

    const unconfirmed = await call('POST', '/admin/dlq/purge', { filter });
    expect(unconfirmed).toMatchObject({ status: 400, body: { would_purge: 2 } });
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(4);

    expect((await call('POST', '/admin/dlq/purge', { filter, confirm: true })).body).toEqual({ purged: 2 });
    for (const id of old) expect(await onlyShard(admin).deadLetters.getJob(id)).toBeUndefined();
    expect(await onlyShard(admin).deadLetters.getJob(recent)).toBeDefined();
    expect(await onlyShard(admin).deadLetters.getJob(otherKind)).toBeDefined();
  });
});

describe('replaying with the worker running', () => {
  it('applies a postback replayed twice once, under its original id', async () => {
    const rx = await startReceiver(t.cfg);
    const worker = startInProcessWorker(t.cfg);
    try {
      const offer = await givenOffer(t.prisma);
      const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
      const conversion = await givenConversion(t.prisma, { offerId: offer.id });
      const fix = await givenPostbackLogRefusing(t.prisma);
      let postbackId: string;
      try {
        const sent = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: conversion.transactionId });
        postbackId = String(sent.body.postback_id);
        const dead = await eventually(async () => (await onlyShard(admin).deadLetters.getJob(postbackId)) ?? undefined, 20_000, 'the dead letter');
        // The worker records the failure's SQLSTATE (RAISE EXCEPTION: P0001) for filters.
        expect(dead.data.errorKind).toBe('P0001');
      } finally {
        await fix();
      }
      const stale = (await onlyShard(admin).deadLetters.getJob(postbackId))!.data;

      const first = await replayNow({ error_kind: 'P0001', offer_id: offer.id });
      expect(first).toMatchObject({ status: 'completed', replayed: 1 });
      await eventually(async () => (await showPostback(admin, postbackId)).outcome === 'rejected', 20_000, 'the replay to apply');

      await onlyShard(admin).deadLetters.add('dead', stale, { jobId: postbackId });
      // Held while the second replay runs, to see that it really put the job back on the main queue.
      await onlyShardWorker(worker).pause();
      expect(await replayNow({ ids: [postbackId] })).toMatchObject({ replayed: 1 });
      expect(await (await onlyShard(admin).queue.getJob(postbackId))?.getState()).toBe('waiting');
      // Completed, not failed and dead-lettered again: the worker finds the postback applied and reports its outcome.
      const finished = new Promise<unknown>((resolve) => {
        onlyShardWorker(worker).on('completed', (job, result) => job.id === postbackId && resolve(result));
        onlyShardWorker(worker).on('failed', (job, err) => job?.id === postbackId && resolve({ failed: err.message }));
      });
      onlyShardWorker(worker).resume();
      expect(await finished).toEqual({ rejected: 1 });
      expect(await onlyShard(admin).deadLetters.getJob(postbackId)).toBeUndefined();
      expect(await t.prisma.postbackLog.count({ where: { postbackId } })).toBe(1);
      expect(await t.prisma.conversionStatusHistory.count({ where: { conversionId: conversion.id } })).toBe(1);
    } finally {
      await worker.close();
      await rx.stop();
    }
  });
});
