import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { sendPostback, startInProcessWorker, startReceiver, type RunningReceiver } from './helpers/pipeline.js';
import { eventually } from './helpers/testEnvironment.js';

const TOKEN = 'test-admin-token-conversion-history';
const served = useAdminApi('conversion_history', TOKEN);
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;

beforeAll(async () => {
  rx = await startReceiver(served.t.cfg);
  worker = startInProcessWorker(served.t.cfg);
});

afterAll(async () => {
  await worker?.close();
  await rx?.stop();
});

async function get(path: string) {
  const res = await fetch(`${served.api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends a rejection and waits until the worker has applied it; its postback id. */
async function reject(key: string, transactionId: string, reason: string): Promise<string> {
  const sent = await sendPostback(rx.baseUrl, { key, new_rejected_reason: reason, transaction_id: transactionId });
  expect(sent.status).toBe(202);
  const postbackId = String(sent.body.postback_id);
  await eventually(() => served.t.prisma.postbackLog.findFirst({ where: { postbackId } }).then((r) => r ?? undefined), 20_000, `postback ${postbackId}`);
  return postbackId;
}

describe('a conversion with its status history', () => {
  it('answers its fields and every change, oldest first, each with the postback that made it', async () => {
    const { t } = served;
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
    const { key } = await givenRejectionUrl(served.admin, { offerId: offer.id });
    const first = await reject(key, conversion.transactionId, 'duplicate');
    const second = await reject(key, conversion.transactionId, 'fraud');
    // The same reason again changes nothing: no history row.
    await reject(key, conversion.transactionId, 'fraud');
    const third = await reject(key, conversion.transactionId, 'bot_traffic');

    const shown = await get(`/admin/conversions/${encodeURIComponent(conversion.transactionId)}`);
    expect(shown.status).toBe(200);
    const stored = await t.prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    expect(shown.body).toMatchObject({
      transaction_id: conversion.transactionId,
      offer_id: offer.id,
      advertiser_id: offer.advertiserId,
      status: 'rejected',
      rejected_reason: 'bot_traffic',
      payout: null,
      created_at: stored.createdAt.toISOString(),
      updated_at: stored.updatedAt.toISOString(),
    });
    const history = shown.body.history as Array<Record<string, unknown>>;
    expect(history.map(({ changed_at: _, ...change }) => change)).toEqual([
      { from_status: 'approved', to_status: 'rejected', old_reason: null, new_reason: 'duplicate', postback_id: first },
      { from_status: 'rejected', to_status: 'rejected', old_reason: 'duplicate', new_reason: 'fraud', postback_id: second },
      { from_status: 'rejected', to_status: 'rejected', old_reason: 'fraud', new_reason: 'bot_traffic', postback_id: third },
    ]);
    const times = history.map((h) => Date.parse(String(h.changed_at)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers 404 for a transaction id it does not know', async () => {
    expect((await get('/admin/conversions/never-tracked')).status).toBe(404);
  });
});

// The history has no foreign key (migration 20261205100000); a trigger on conversions keeps what the key kept.
describe('a conversion with history is kept', () => {
  const violation = {
    meta: { driverAdapterError: { cause: expect.objectContaining({ originalCode: '23503', originalMessage: expect.stringMatching(/has status history/) }) } },
  };

  /** A conversion of an offer of its own, rejected once through the offer's URL: one history row. */
  async function givenRejectedConversion() {
    const offer = await givenOffer(served.t.prisma);
    const conversion = await givenConversion(served.t.prisma, { offerId: offer.id, status: 'approved' });
    const { key } = await givenRejectionUrl(served.admin, { offerId: offer.id });
    await reject(key, conversion.transactionId, 'fraud');
    return { offer, conversion };
  }

  it('refuses to delete it or change its id, with the foreign key error, and leaves both rows as they were', async () => {
    const { t } = served;
    const { conversion } = await givenRejectedConversion();

    await expect(t.prisma.$executeRaw`DELETE FROM conversions WHERE id = ${conversion.id}`).rejects.toMatchObject(violation);
    await expect(t.prisma.$executeRaw`UPDATE conversions SET id = id + 1000000000 WHERE id = ${conversion.id}`).rejects.toMatchObject(violation);
    expect(await t.prisma.conversion.findUnique({ where: { id: conversion.id } })).toMatchObject({ status: 'rejected', rejectedReason: 'fraud' });
    expect(await t.prisma.conversionStatusHistory.count({ where: { conversionId: conversion.id } })).toBe(1);
  });

  it('lets a conversion without history be deleted, and another of its columns be updated', async () => {
    const { t } = served;
    const { offer, conversion: withHistory } = await givenRejectedConversion();
    await t.prisma.$executeRaw`UPDATE conversions SET payout = 12.5 WHERE id = ${withHistory.id}`;
    expect((await t.prisma.conversion.findUniqueOrThrow({ where: { id: withHistory.id } })).payout?.toString()).toBe('12.5');

    const without = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
    expect(await t.prisma.$executeRaw`DELETE FROM conversions WHERE id = ${without.id}`).toBe(1);
  });
});
