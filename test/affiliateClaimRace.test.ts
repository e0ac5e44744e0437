import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRequest } from '../apps/worker/src/notifications/notificationRows.js';
import { givenAffiliatePostback, givenNotification, givenRejectedConversion } from './helpers/affiliateDeliveryFixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_claim_race');
});

afterAll(async () => {
  await t?.teardown();
});

describe('rendering a notification while a batch that joined it is still open', () => {
  it('waits for the batch and renders the conversion as the batch left it', async () => {
    const postback = await givenAffiliatePostback(t.prisma, { url: 'http://127.0.0.1:9/pb?r={rejected_reason}' });
    const conversion = await givenRejectedConversion(t.prisma, { publisherId: postback.publisherId, rejectedReason: 'fraud' });
    const id = await givenNotification(t.prisma, { postbackId: postback.id, conversionId: conversion.id, transactionId: conversion.transactionId });

    // A batch as the applier runs it: the conversion's row lock, the change, and the notification joined (the
    // waiting row is there, so the insert does nothing), then still open while the delivery worker claims.
    const batch = new pg.Client({ connectionString: t.databaseUrl });
    await batch.connect();
    try {
      await batch.query('BEGIN');
      await batch.query('SELECT id FROM conversions WHERE id = $1 FOR UPDATE', [conversion.id]);
      await batch.query(`UPDATE conversions SET rejected_reason = 'chargeback', updated_at = now() WHERE id = $1`, [conversion.id]);
      const joined = await batch.query(
        `INSERT INTO notifications (id, affiliate_postback_id, conversion_id, transaction_id, event, first_changed_at, due_at)
         VALUES (gen_random_uuid(), $1, $2, $3, 'reason_updated', now(), now())
         ON CONFLICT (affiliate_postback_id, conversion_id) WHERE state = 'waiting' DO NOTHING`,
        [postback.id, conversion.id, conversion.transactionId],
      );
      expect(joined.rowCount).toBe(0);

      let settled = false;
      const claimed = claimRequest(t.prisma, id).finally(() => (settled = true));
      // The claim itself commits at once; the render must wait for the batch's lock rather than read the old row.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await batch.query('COMMIT');

      const request = (await claimed)!.request as { url: string };
      expect(request.url).toBe('http://127.0.0.1:9/pb?r=chargeback');
    } finally {
      await batch.end();
    }
  });
});
