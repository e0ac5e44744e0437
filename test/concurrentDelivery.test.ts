// Two deliveries of one postback in flight at once (a stalled job handed to a second worker while the first
// still runs it). For a conversion that does not exist no row lock orders them, so both can read an empty
// postback_log; only the one whose log row lands may say it applied the postback, or the metrics count it twice.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRegistry } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let redis: Redis;
let registry: KeyRegistry;

beforeAll(async () => {
  t = await createTestEnvironment('concurrent_delivery');
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
});

afterAll(async () => {
  redis?.disconnect();
  await t?.teardown();
});

describe('two deliveries of one postback at once', () => {
  it('only the delivery whose log row is written reports the postback as applied', async () => {
    const offer = await givenOffer(t.prisma);
    const postback = {
      postbackId: randomUUID(),
      endpointId: 1,
      scope: { kind: 'offer' as const, advertiserId: offer.advertiserId, offerId: offer.id },
      transactionId: `tx-nobody-knows-${randomUUID()}`,
      reason: 'fraud',
      seq: 1,
      receivedAt: Date.now(),
    };
    const item: PostbackToApply = { postback, attempts: 1, shard: t.cfg.QUEUE_PREFIX };
    // A postback of the same batch that no one else delivers: its log row lands, so it is applied.
    const alone = { ...postback, postbackId: randomUUID(), transactionId: `tx-nobody-knows-${randomUUID()}`, receivedAt: postback.receivedAt + 1 };
    const aloneItem: PostbackToApply = { postback: alone, attempts: 1, shard: t.cfg.QUEUE_PREFIX };
    // The other delivery: past its read of postback_log, its log row written, not yet committed.
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO postback_log (postback_id, endpoint_id, transaction_id, reason, seq, received_at, outcome, attempts)
         VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), 'not_found', 1)`,
        [postback.postbackId, postback.endpointId, postback.transactionId, postback.reason, postback.seq, postback.receivedAt],
      );
      const applying = applyRejections(t.prisma, [item, aloneItem], registry);
      // This delivery reads an empty log and then waits on the other's row (the unique postback_id).
      await eventually(async () => {
        const waiting = await other.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        return waiting.rowCount === 1;
      }, 20_000, 'the second delivery to wait for the first one\'s log row');
      await other.query('COMMIT');

      const result = await applying;
      expect(result.outcomes).toEqual(['not_found', 'not_found']);
      expect(result.applied).toEqual([{ receivedAt: alone.receivedAt, outcome: 'not_found', shard: t.cfg.QUEUE_PREFIX }]);
      expect(await t.prisma.postbackLog.count({ where: { postbackId: alone.postbackId } })).toBe(1);
      expect(await t.prisma.postbackLog.count({ where: { postbackId: postback.postbackId } })).toBe(1);
    } finally {
      await other.end();
    }
  });
});
