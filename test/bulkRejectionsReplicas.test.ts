// ACK_REPLICAS and a bulk upload: the receipt sequence numbers it reserves stand behind its 202 like a postback's
// job, on a primary + replica of the test's own.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptSeqKey } from '@postback/core';
import { createBulkRejections, type BulkRejections } from '../apps/admin/src/bulk/bulkRejections.js';
import { givenOffer } from './helpers/fixtures.js';
import { ReplicaBehindProxy } from './helpers/replicaBehindProxy.js';
import { connectAdminDeps, serveAdminApi, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'bulk-replicas-admin-token-0123456789';
let pair: ReplicaBehindProxy;
let t: TestEnvironment;
let admin: AdminHandle;
let bulk: BulkRejections;
let api: string;
let closeApi: () => Promise<void>;
let onReplica: Redis;

beforeAll(async () => {
  pair = await ReplicaBehindProxy.start();
  t = await createTestEnvironment('bulk-replicas', { ACK_REPLICAS: '1', ACK_REPLICA_TIMEOUT_MS: '1000' }, { redisUrl: pair.primary.url });
  admin = connectAdminDeps(t.cfg);
  // No runner: the uploads stay staged, and only staging is under test.
  bulk = createBulkRejections(admin);
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { bulk }));
  onReplica = new Redis(pair.replica.url);
});

afterAll(async () => {
  onReplica?.disconnect();
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
  await pair?.remove();
});

const upload = async (offerId: number, rows: number) => {
  const body = `transaction_id\n${Array.from({ length: rows }, (_, i) => `rep-${offerId}-${i}`).join('\n')}\n`;
  const res = await fetch(`${api}/admin/rejections/bulk?offer_id=${offerId}&reason=fraud`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

describe('a bulk upload with ACK_REPLICAS=1', () => {
  it('answers 202 only once the replica holds the sequence numbers it reserved', async () => {
    const offer = await givenOffer(t.prisma);
    const answer = await upload(offer.id, 50);
    expect(answer.status).toBe(202);
    const staged = await t.prisma.bulkRejection.findUniqueOrThrow({ where: { id: answer.body.id as string } });
    // Read at once, no polling: line 51's number, the last reserved, is on the replica already.
    expect(Number(await onReplica.get(receiptSeqKey(t.cfg.QUEUE_PREFIX)))).toBeGreaterThanOrEqual(Number(staged.firstSeq) + staged.lastLine - 1);
  });

  it('answers 503 and stages nothing while the replica does not confirm, and 202 once it is back', async () => {
    const offer = await givenOffer(t.prisma);
    const before = await t.prisma.bulkRejection.count();
    await pair.cutReplica();
    try {
      const refused = await upload(offer.id, 10);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await t.prisma.bulkRejection.count()).toBe(before);
    } finally {
      await pair.restoreReplica();
    }
    expect((await upload(offer.id, 10)).status).toBe(202);
  });
});
