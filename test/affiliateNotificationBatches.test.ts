// The delivery jobs' database steps for many notifications at once (notificationBatches.ts, notificationRows.ts,
// recordAttempt.ts): each notification comes out of a shared batch as it would have alone, and the jobs that ask in
// the same turn of the event loop share one batch.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationBatches, prepareNotifications } from '../apps/worker/src/notifications/notificationBatches.js';
import { recordAttempts, type AttemptRecord } from '../apps/worker/src/notifications/recordAttempt.js';
import { attemptsOf, givenNotificationTo, notificationOf } from './helpers/affiliateDeliveryFixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_notification_batches');
});

afterAll(async () => {
  await t?.teardown();
});

const url = (name: string) => `http://127.0.0.1:9/${name}?tx={transaction_id}&r={rejected_reason}`;

describe('preparing many notifications in one batch', () => {
  it('renders, replays, skips and leaves each one as it would alone', async () => {
    const fresh = await givenNotificationTo(t.prisma, { url: url('fresh') });
    const replay = await givenNotificationTo(t.prisma, { url: url('replay') });
    const stored = { method: 'GET', url: 'http://127.0.0.1:9/stored', headers: {}, body: null };
    await t.prisma.$executeRaw`
      UPDATE notifications SET state = 'failed', request = ${JSON.stringify(stored)}::jsonb WHERE id = ${replay.notificationId}::uuid`;
    const done = await givenNotificationTo(t.prisma, { url: url('done') });
    await t.prisma.$executeRaw`UPDATE notifications SET state = 'delivered' WHERE id = ${done.notificationId}::uuid`;
    const paused = await givenNotificationTo(t.prisma, { url: url('paused') });
    await t.prisma.$executeRaw`
      UPDATE affiliate_postbacks SET status = 'paused', paused_reason = 'asked to' WHERE id = ${paused.postbackId}`;
    // Rejected for fraud; the postback asks about chargebacks only.
    const filtered = await givenNotificationTo(t.prisma, { url: url('filtered') });
    await t.prisma.$executeRaw`UPDATE affiliate_postbacks SET reasons = ARRAY['chargeback'] WHERE id = ${filtered.postbackId}`;
    const gone = randomUUID();
    // The outbox has no foreign keys: a notification whose postback row is missing is skipped as deleted.
    const orphan = await givenNotificationTo(t.prisma, { url: url('orphan') });
    await t.prisma.$executeRaw`UPDATE notifications SET affiliate_postback_id = 2000000000 WHERE id = ${orphan.notificationId}::uuid`;

    const ids = [fresh, replay, done, paused, filtered, orphan].map((n) => n.notificationId);
    const prepared = await prepareNotifications(t.prisma, [...ids, gone]);

    expect(prepared.get(fresh.notificationId)).toMatchObject({
      outcome: 'send',
      request: { url: `http://127.0.0.1:9/fresh?tx=${fresh.transactionId}&r=fraud` },
    });
    expect(prepared.get(replay.notificationId)).toMatchObject({ outcome: 'send', request: stored });
    expect(prepared.get(done.notificationId)).toEqual({ outcome: 'already final' });
    expect(prepared.get(paused.notificationId)).toMatchObject({ outcome: 'skipped', recorded: true, reason: expect.stringContaining('paused: asked to') });
    expect(prepared.get(filtered.notificationId)).toMatchObject({ outcome: 'skipped', recorded: true, reason: expect.stringContaining('"fraud"') });
    expect(prepared.get(gone)).toEqual({ outcome: 'missing' });
    expect(prepared.get(orphan.notificationId)).toMatchObject({ outcome: 'skipped', recorded: true, reason: 'affiliate postback 2000000000 is deleted' });

    await expect(notificationOf(t.prisma, fresh.notificationId)).resolves.toMatchObject({
      state: 'sending',
      request: { url: `http://127.0.0.1:9/fresh?tx=${fresh.transactionId}&r=fraud` },
    });
    await expect(notificationOf(t.prisma, replay.notificationId)).resolves.toMatchObject({ state: 'sending', request: stored });
    await expect(notificationOf(t.prisma, done.notificationId)).resolves.toMatchObject({ state: 'delivered' });
    await expect(notificationOf(t.prisma, paused.notificationId)).resolves.toMatchObject({ state: 'skipped', request: null });
    await expect(notificationOf(t.prisma, filtered.notificationId)).resolves.toMatchObject({
      state: 'skipped',
      last_error: expect.stringContaining('"fraud"'),
      request: { url: `http://127.0.0.1:9/filtered?tx=${filtered.transactionId}&r=fraud` },
    });
  });

  it('gathers the jobs that ask in the same turn into one batch, each answered with its own', async () => {
    const given = await Promise.all(Array.from({ length: 12 }, (_, i) => givenNotificationTo(t.prisma, { url: url(`gathered-${i}`) })));
    let batches = 0;
    const gathered = createNotificationBatches(t.prisma, (step) => {
      batches += 1;
      return step();
    });
    const prepared = await Promise.all(given.map((n) => gathered.prepare(n.notificationId)));
    expect(batches).toBe(1);
    prepared.forEach((p, i) =>
      expect(p).toMatchObject({ outcome: 'send', request: { url: `http://127.0.0.1:9/gathered-${i}?tx=${given[i]!.transactionId}&r=fraud` } }),
    );
  });
});

describe('recording many attempts in one statement', () => {
  it('records each attempt, finishes or keeps each notification, pauses on a 410, and says which had no notification', async () => {
    const delivered = await givenNotificationTo(t.prisma, { url: url('delivered') });
    const retrying = await givenNotificationTo(t.prisma, { url: url('retrying') });
    const gone410 = await givenNotificationTo(t.prisma, { url: url('gone') });
    await prepareNotifications(t.prisma, [delivered, retrying, gone410].map((n) => n.notificationId));
    const attempt = (notificationId: string, a: Partial<AttemptRecord>): AttemptRecord => ({
      notificationId,
      result: 'delivered',
      url: 'http://127.0.0.1:9/x',
      statusCode: 200,
      latencyMs: 3,
      responseHead: 'ok',
      error: null,
      pauseReason: null,
      ...a,
    });
    const recorded = await recordAttempts(t.prisma, [
      attempt(delivered.notificationId, {}),
      attempt(retrying.notificationId, { result: 'retrying', statusCode: 503, responseHead: null, error: 'HTTP 503' }),
      attempt(gone410.notificationId, { result: 'failed', statusCode: 410, error: 'HTTP 410', pauseReason: '410 Gone from 127.0.0.1:9' }),
      attempt(randomUUID(), {}),
    ]);
    expect(recorded).toEqual([true, true, true, false]);

    await expect(notificationOf(t.prisma, delivered.notificationId)).resolves.toMatchObject({ state: 'delivered', attempts: 1, last_error: null });
    await expect(notificationOf(t.prisma, retrying.notificationId)).resolves.toMatchObject({ state: 'sending', attempts: 1, last_error: 'HTTP 503' });
    await expect(notificationOf(t.prisma, gone410.notificationId)).resolves.toMatchObject({ state: 'failed', attempts: 1 });
    await expect(attemptsOf(t.prisma, retrying.notificationId)).resolves.toEqual([
      expect.objectContaining({ attempt: 1, result: 'retrying', status_code: 503, error: 'HTTP 503', latency_ms: 3, response_head: null }),
    ]);
    await expect(attemptsOf(t.prisma, delivered.notificationId)).resolves.toEqual([
      expect.objectContaining({ attempt: 1, result: 'delivered', status_code: 200, response_head: 'ok', affiliate_postback_id: delivered.postbackId }),
    ]);
    const postbacks = await t.prisma.$queryRaw<Array<{ id: number; status: string; paused_reason: string | null }>>`
      SELECT id, status::text, paused_reason FROM affiliate_postbacks
      WHERE id = ANY(${[delivered.postbackId, gone410.postbackId]}::int[]) ORDER BY id`;
    expect(postbacks).toEqual([
      { id: delivered.postbackId, status: 'active', paused_reason: null },
      { id: gone410.postbackId, status: 'paused', paused_reason: '410 Gone from 127.0.0.1:9' },
    ]);

    // The next attempt is numbered on from the first.
    await recordAttempts(t.prisma, [attempt(retrying.notificationId, {})]);
    await expect(attemptsOf(t.prisma, retrying.notificationId)).resolves.toHaveLength(2);
    await expect(notificationOf(t.prisma, retrying.notificationId)).resolves.toMatchObject({ state: 'delivered', attempts: 2 });
  });
});
