// `postback show ID` reads postback_log by id. A time-ordered id says when it was minted, a moment after the postback
// was received: the lookup reads only the partitions of a window around that time. A random id of an earlier
// release says nothing: it is looked for before the first day partition, then everywhere.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIds, dayPartitionName, listPartitions } from '@postback/core';
import { NotFoundError } from '../apps/admin/src/adminErrors.js';
import { showPostback } from '../apps/admin/src/services/postbacks.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const DAY = 86_400_000;
let t: TestEnvironment;
let admin: AdminHandle;
/** The start of the first day partition the migration made (the legacy partition holds everything before). */
let firstDay: number;

beforeAll(async () => {
  t = await createTestEnvironment('postback_lookup');
  admin = connectAdminDeps(t.cfg);
  firstDay = Math.min(...(await listPartitions(t.prisma)).filter((p) => p.kind === 'day').map((p) => p.from!.getTime()));
});
afterAll(async () => {
  await admin.close();
  await t.teardown();
});

async function givenLogged(postbackId: string, receivedAt: number) {
  await t.prisma.postbackLog.create({
    data: { postbackId, endpointId: 1, transactionId: 'tx', reason: 'fraud', seq: 1, receivedAt: new Date(receivedAt), outcome: 'rejected', attempts: 1 },
  });
  const [row] = await t.prisma.$queryRaw<Array<{ partition: string }>>`
    SELECT tableoid::regclass::text AS partition FROM postback_log WHERE postback_id = ${postbackId}::uuid`;
  return row!.partition;
}

describe('looking a postback up by its id', () => {
  it('finds one received a moment before its id was minted, across midnight into the next day', async () => {
    const midnight = firstDay + DAY;
    const id = batchIds(1, midnight + 1000).postbackIds[0]!;
    // Received on one day, minted on the next: the window reaches back into the first day's partition.
    expect(await givenLogged(id, midnight - 1000)).toBe(dayPartitionName(new Date(firstDay)));
    expect(await showPostback(admin, id)).toMatchObject({ postback_id: id, outcome: 'rejected', received_at: new Date(midnight - 1000).toISOString() });
  });

  it('reads only the window around the minting time: a row far outside it is not looked at', async () => {
    // Not a row a receiver would write (received two days before its id was minted): it shows the window is applied.
    const id = batchIds(1, firstDay + 3 * DAY).postbackIds[0]!;
    await givenLogged(id, firstDay + DAY);
    await expect(showPostback(admin, id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds a random id of an earlier release in the legacy partition, and anywhere else too', async () => {
    const old = randomUUID();
    expect(await givenLogged(old, Date.now() - 30 * DAY)).toBe('postback_log_legacy');
    expect(await showPostback(admin, old)).toMatchObject({ postback_id: old, outcome: 'rejected' });
    const odd = randomUUID();
    expect(await givenLogged(odd, firstDay + 2 * DAY)).not.toBe('postback_log_legacy');
    expect(await showPostback(admin, odd)).toMatchObject({ postback_id: odd });
  });
});
