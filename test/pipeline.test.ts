import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '@postback/core';
import { showConversion } from '../apps/admin/src/services/conversions.js';
import { showPostback } from '../apps/admin/src/services/postbacks.js';
import { givenAdvertiser, givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  onlyShard,
  onlyShardWorker,
  queuedPostback,
  sendPostback,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;

beforeAll(async () => {
  t = await createTestEnvironment('pipeline');
  admin = connectAdminDeps(t.cfg);
  rx = await startReceiver(t.cfg);
  worker = startInProcessWorker(t.cfg);
});

afterAll(async () => {
  await worker.close();
  await rx.stop();
  await admin.close();
  await t.teardown();
});

/** Sends a postback and waits until the worker has recorded its outcome. */
async function reject(key: string, transactionId: string, reason: string): Promise<{ postbackId: string; outcome: Outcome }> {
  const res = await sendPostback(rx.baseUrl, { key, new_rejected_reason: reason, transaction_id: transactionId });
  expect(res.status).toBe(202);
  const postbackId = String(res.body.postback_id);
  const outcome = await eventually(async () => {
    const row = await t.prisma.postbackLog.findFirst({ where: { postbackId } });
    return row?.outcome as Outcome | undefined;
  }, 20_000, `postback ${postbackId} to be processed`);
  return { postbackId, outcome };
}

async function historyOf(transactionId: string) {
  return (await showConversion(t.prisma, transactionId)).history;
}

describe('the transition table, end to end: HTTP → Redis → worker → Postgres', () => {
  let offerId: number;
  let key: string;

  beforeAll(async () => {
    const offer = await givenOffer(t.prisma);
    offerId = offer.id;
    key = (await givenRejectionUrl(admin, { advertiserId: offer.advertiserId })).key;
  });

  it('rejects an approved conversion with the reason, writing one history row', async () => {
    const c = await givenConversion(t.prisma, { offerId, status: 'approved' });
    const { postbackId, outcome } = await reject(key, c.transactionId, 'bot_traffic');
    expect(outcome).toBe('rejected');
    const shown = await showConversion(t.prisma, c.transactionId);
    expect(shown).toMatchObject({ status: 'rejected', rejected_reason: 'bot_traffic' });
    expect(shown.history).toEqual([
      expect.objectContaining({ from_status: 'approved', to_status: 'rejected', old_reason: null, new_reason: 'bot_traffic', postback_id: postbackId }),
    ]);
  });

  it('rejects a pending conversion', async () => {
    const c = await givenConversion(t.prisma, { offerId, status: 'pending' });
    expect((await reject(key, c.transactionId, 'chargeback')).outcome).toBe('rejected');
    expect(await historyOf(c.transactionId)).toEqual([expect.objectContaining({ from_status: 'pending', new_reason: 'chargeback' })]);
  });

  it('replaces the reason of a conversion rejected for another reason', async () => {
    const c = await givenConversion(t.prisma, { offerId, status: 'rejected', rejectedReason: 'duplicate' });
    expect((await reject(key, c.transactionId, 'chargeback')).outcome).toBe('reason_updated');
    expect(await showConversion(t.prisma, c.transactionId)).toMatchObject({
      rejected_reason: 'chargeback',
      history: [expect.objectContaining({ from_status: 'rejected', old_reason: 'duplicate', new_reason: 'chargeback' })],
    });
  });

  it('leaves a conversion already rejected with the same reason unchanged, with no history row', async () => {
    const c = await givenConversion(t.prisma, { offerId, status: 'rejected', rejectedReason: 'duplicate' });
    expect((await reject(key, c.transactionId, 'duplicate')).outcome).toBe('unchanged');
    expect(await historyOf(c.transactionId)).toEqual([]);
  });

  it('does nothing for an unknown transaction id, and logs not_found', async () => {
    const { postbackId, outcome } = await reject(key, 'no-such-transaction', 'bot_traffic');
    expect(outcome).toBe('not_found');
    expect(await showPostback(admin, postbackId)).toMatchObject({ outcome: 'not_found', transaction_id: 'no-such-transaction', attempts: 1 });
  });

  it('answers the operator with the outcome, times and attempts of a processed postback', async () => {
    const c = await givenConversion(t.prisma, { offerId });
    const { postbackId } = await reject(key, c.transactionId, 'bot_traffic');
    const status = await showPostback(admin, postbackId);
    expect(status).toMatchObject({ postback_id: postbackId, outcome: 'rejected', attempts: 1, error: null });
    expect(Date.parse(status.processed_at!)).toBeGreaterThanOrEqual(Date.parse(status.received_at!));
  });
});

describe('rejection URL scopes', () => {
  it('a global URL covers every offer of its advertiser, including offers created after it', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const { key } = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const later = await givenOffer(t.prisma, advertiser.id);
    const c = await givenConversion(t.prisma, { offerId: later.id });
    expect((await reject(key, c.transactionId, 'fraud')).outcome).toBe('rejected');
  });

  it("a global URL cannot touch another advertiser's conversion", async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const { key } = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const other = await givenConversion(t.prisma, { offerId: (await givenOffer(t.prisma)).id });
    expect((await reject(key, other.transactionId, 'fraud')).outcome).toBe('out_of_scope');
    expect(await showConversion(t.prisma, other.transactionId)).toMatchObject({ status: 'approved', history: [] });
  });

  it('an offer-level URL rejects conversions of its offer only, even of the same advertiser', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const offer = await givenOffer(t.prisma, advertiser.id);
    const sibling = await givenOffer(t.prisma, advertiser.id);
    const { key, scope } = await givenRejectionUrl(admin, { offerId: offer.id });
    expect(scope).toBe('offer');
    const mine = await givenConversion(t.prisma, { offerId: offer.id });
    const theirs = await givenConversion(t.prisma, { offerId: sibling.id });
    expect((await reject(key, mine.transactionId, 'fraud')).outcome).toBe('rejected');
    expect((await reject(key, theirs.transactionId, 'fraud')).outcome).toBe('out_of_scope');
    expect(await showConversion(t.prisma, theirs.transactionId)).toMatchObject({ status: 'approved' });
  });
});

describe('ordering and redelivery', () => {
  it('keeps the reason of the postback received last when several arrive together', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    const reasons = Array.from({ length: 30 }, (_, i) => `reason-${i}`);
    // Sent one after another: each is acknowledged before the next goes out, so the last one is received last.
    const ids: string[] = [];
    for (const reason of reasons) {
      ids.push(String((await sendPostback(rx.baseUrl, { key, new_rejected_reason: reason, transaction_id: c.transactionId })).body.postback_id));
    }
    await eventually(async () => (await t.prisma.postbackLog.count({ where: { postbackId: { in: ids } } })) === ids.length);
    expect(await showConversion(t.prisma, c.transactionId)).toMatchObject({ rejected_reason: 'reason-29' });
  });

  it('applies an advertiser retry of the same rejection once: one history row, the retry is unchanged', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    expect((await reject(key, c.transactionId, 'chargeback')).outcome).toBe('rejected');
    expect((await reject(key, c.transactionId, 'chargeback')).outcome).toBe('unchanged');
    expect(await historyOf(c.transactionId)).toHaveLength(1);
  });

  it('applies a redelivered job (same postback id) once: no second history row, same outcome', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    const first = await reject(key, c.transactionId, 'fraud');
    const job = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: first.postbackId } });
    // A second delivery of the very same job, as after a worker crash between commit and acknowledgement.
    const redelivered = await onlyShard(admin).queue.add('rejection', {
      v: 1,
      postbackId: first.postbackId,
      endpointId: job.endpointId!,
      scope: { kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id },
      transactionId: c.transactionId,
      reason: 'fraud',
      seq: Number(job.seq),
      receivedAt: job.receivedAt.getTime(),
    }, { jobId: first.postbackId });
    await eventually(async () => (await onlyShard(admin).queue.getJob(redelivered.id!)) === undefined, 20_000, 'the redelivery to complete');
    expect(await historyOf(c.transactionId)).toHaveLength(1);
    expect(await t.prisma.postbackLog.count({ where: { postbackId: first.postbackId } })).toBe(1);
  });

  it('marks a postback superseded when one received later was applied first, keeping the later reason', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const c = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
    // The earlier postback is held back, as when it waits in the dead-letter queue while a later one goes through.
    await onlyShardWorker(worker).pause();
    const earlier = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'duplicate', transaction_id: c.transactionId });
    const held = await queuedPostback(onlyShard(admin).queue, String(earlier.body.postback_id));
    await onlyShard(admin).queue.remove(held!.jobId);
    onlyShardWorker(worker).resume();
    const later = await reject(key, c.transactionId, 'chargeback');
    expect(later.outcome).toBe('rejected');

    await onlyShard(admin).queue.add('rejection', held!.job, { jobId: held!.jobId });
    const outcome = await eventually(async () => {
      const row = await t.prisma.postbackLog.findFirst({ where: { postbackId: String(earlier.body.postback_id) } });
      return row?.outcome;
    }, 20_000, 'the earlier postback to be processed');
    expect(outcome).toBe('superseded');
    expect(await showConversion(t.prisma, c.transactionId)).toMatchObject({ status: 'rejected', rejected_reason: 'chargeback' });
    expect(await historyOf(c.transactionId)).toHaveLength(1);
  });

  it('removes completed jobs from Redis', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    await reject(key, 'whatever', 'r');
    expect(await onlyShard(admin).queue.getCompletedCount()).toBe(0);
  });
});
