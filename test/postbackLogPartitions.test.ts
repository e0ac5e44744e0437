// The maintenance of the partitioned postback_log (packages/core/src/postbackLog/): days created ahead, expired
// days dropped with their late rows kept, the legacy partition pruned and dropped once empty, every DDL step under
// lock_timeout and tried again, and a replayed old postback applied into the default partition.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchIds,
  createDayPartitions,
  dayPartitionName,
  listPartitions,
  maintainPostbackLog,
  PartitionLockTimeoutError,
  prunePostbackLog,
  replayDeadLetter,
  utcDayStart,
  type DeadLetterData,
} from '@postback/core';
import { capturedLogger } from './helpers/capturedLogger.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, startInProcessWorker, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const DAY = 86_400_000;
const NOW = new Date();
const daysFromNow = (n: number) => new Date(NOW.getTime() + n * DAY);
const dayName = (n: number) => dayPartitionName(utcDayStart(daysFromNow(n)));
const RETENTION = { retentionDays: 90, batchSize: 100, pauseMs: 0 };

let t: TestEnvironment;
let other: pg.Client;

beforeAll(async () => {
  t = await createTestEnvironment('pb_log_partitions');
  other = new pg.Client({ connectionString: t.databaseUrl });
  await other.connect();
});
afterAll(async () => {
  await other.end();
  await t.teardown();
});

/** Log rows received `receivedDaysAgo` days ago and processed `processedDaysAgo` days ago (by default, then too). */
async function givenLogRows(count: number, receivedDaysAgo: number, processedDaysAgo = receivedDaysAgo) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await t.prisma.postbackLog.createMany({
    data: ids.map((postbackId, i) => ({
      postbackId,
      endpointId: 1,
      transactionId: `tx-${i}`,
      reason: 'bot_traffic',
      seq: i + 1,
      receivedAt: daysFromNow(-receivedDaysAgo),
      processedAt: daysFromNow(-processedDaysAgo),
      outcome: 'rejected' as const,
      attempts: 1,
    })),
  });
  return ids;
}

/** Where each of these postbacks' rows is (partition name), in the order given; missing ones are absent. */
async function partitionsOf(ids: string[]): Promise<string[]> {
  const rows = await t.prisma.$queryRaw<Array<{ id: string; partition: string }>>`
    SELECT postback_id::text AS id, tableoid::regclass::text AS partition FROM postback_log WHERE postback_id = ANY(${ids}::uuid[])`;
  const where = new Map(rows.map((r) => [r.id, r.partition]));
  return ids.flatMap((id) => (where.has(id) ? [where.get(id)!] : []));
}

const partitionNames = async () => (await listPartitions(t.prisma)).map((p) => p.name);

describe('the legacy partition (the table from before partitioning)', () => {
  it('loses its expired rows one by one, and is dropped once its last row goes', async () => {
    const old = await givenLogRows(3, 100);
    const recent = await givenLogRows(1, 5);
    expect(await partitionsOf([...old, ...recent])).toEqual(Array(4).fill('postback_log_legacy'));

    expect(await prunePostbackLog(t.prisma, { ...RETENTION, now: NOW })).toMatchObject({ deleted: 3, dropped_partitions: [] });
    expect(await partitionsOf(recent)).toEqual(['postback_log_legacy']);

    // 90 days on, the last row is due too: the dry run says the partition would go, the run drops it.
    const later = new Date(NOW.getTime() + 90 * DAY);
    const dry = await prunePostbackLog(t.prisma, { ...RETENTION, now: later, dryRun: true });
    expect(dry).toMatchObject({ would_delete: 1, would_drop_partitions: ['postback_log_legacy'] });
    expect(await partitionNames()).toContain('postback_log_legacy');
    expect(await prunePostbackLog(t.prisma, { ...RETENTION, now: later })).toMatchObject({ deleted: 1, dropped_partitions: ['postback_log_legacy'] });
    expect(await partitionNames()).not.toContain('postback_log_legacy');
  });

  it('gives the days it covered partitions of their own in the same maintenance run', async () => {
    const { logger, lines } = capturedLogger();
    const run = await maintainPostbackLog(t.prisma, { ...RETENTION, aheadDays: 3, logger });
    // The migration made the days from the day after tomorrow; the legacy partition covered today and tomorrow.
    expect(run.created_partitions.map((c) => c.partition)).toEqual([dayName(0), dayName(1)]);
    expect(lines().filter((l) => l.msg === 'postback_log partition created').map((l) => l.partition)).toEqual([dayName(0), dayName(1)]);
  });
});

describe('days ahead', () => {
  it('are created once, however many runs there are at once', async () => {
    const ahead = { aheadDays: 12, now: NOW };
    const runs = await Promise.all([createDayPartitions(t.prisma, ahead), createDayPartitions(t.prisma, ahead), createDayPartitions(t.prisma, ahead)]);
    const created = runs.flat().map((c) => c.partition).sort();
    // The migration made a week from the day after tomorrow (up to today + 8); today and tomorrow exist already.
    expect(created).toEqual([9, 10, 11, 12].map(dayName));
    const names = await partitionNames();
    for (let i = 0; i <= 12; i++) expect(names).toContain(dayName(i));
    expect(await createDayPartitions(t.prisma, ahead)).toEqual([]);
  });

  it('take the rows of their day out of the default partition', async () => {
    const early = await givenLogRows(3, -40);
    expect(await partitionsOf(early)).toEqual(Array(3).fill('postback_log_default'));
    const created = await createDayPartitions(t.prisma, { aheadDays: 0, now: daysFromNow(40) });
    expect(created).toEqual([{ partition: dayName(40), moved_from_default: 3 }]);
    expect(await partitionsOf(early)).toEqual(Array(3).fill(dayName(40)));
  });
});

describe('retention by partition', () => {
  it('drops each day older than the retention, keeping its late rows (in the default partition) and the day the cutoff falls in', async () => {
    // Days 100 to 88 ago, as a deployment running since then has them.
    await createDayPartitions(t.prisma, { aheadDays: 12, now: daysFromNow(-100) });
    const expired = await givenLogRows(5, 95);
    const late = await givenLogRows(1, 95, 1);
    // Received before the cutoff, on the day the cutoff falls in: that day's partition is not wholly expired yet.
    const cutoff = daysFromNow(-90).getTime();
    const onTheCutoffDayAt = (utcDayStart(new Date(cutoff)).getTime() + cutoff) / 2;
    const onTheCutoffDay = await givenLogRows(1, (NOW.getTime() - onTheCutoffDayAt) / DAY);
    expect(await partitionsOf([...expired, ...late])).toEqual(Array(6).fill(dayName(-95)));

    const { logger, lines } = capturedLogger();
    const result = await prunePostbackLog(t.prisma, { ...RETENTION, now: NOW, logger });

    expect(result).toMatchObject({ dry_run: false, late_rows_kept: 1 });
    const dropped = result.dry_run ? [] : result.dropped_partitions;
    // Every day whose whole range is before the cutoff (now - 90 days), and no other.
    const cutoffDay = utcDayStart(new Date(cutoff)).getTime();
    const due = Array.from({ length: 13 }, (_, i) => -100 + i).filter((n) => utcDayStart(daysFromNow(n)).getTime() + DAY <= cutoffDay);
    expect(dropped.sort()).toEqual(due.map(dayName).sort());
    expect(lines().filter((l) => l.msg === 'postback_log partition dropped').map((l) => l.partition).sort()).toEqual(dropped);
    expect(await partitionsOf(expired)).toEqual([]);
    expect(await partitionsOf(late)).toEqual(['postback_log_default']);
    expect(await partitionsOf(onTheCutoffDay)).toEqual([dayPartitionName(new Date(cutoffDay))]);

    // The late row goes once it was processed more than the retention ago as well, row by row from the default.
    expect(await prunePostbackLog(t.prisma, { ...RETENTION, now: daysFromNow(90) })).toMatchObject({ deleted: 1 });
    expect(await partitionsOf(late)).toEqual([]);
  });

  it('finishes a drop that an earlier run left half done (the day detached, not yet dropped)', async () => {
    await createDayPartitions(t.prisma, { aheadDays: 0, now: daysFromNow(-150) });
    const late = await givenLogRows(1, 150, 2);
    await givenLogRows(2, 150);
    await t.prisma.$executeRawUnsafe(`ALTER TABLE postback_log DETACH PARTITION ${dayName(-150)}`);
    expect(await prunePostbackLog(t.prisma, { ...RETENTION, now: NOW, dryRun: true })).toMatchObject({
      would_drop_partitions: [dayName(-150)],
      would_delete: 2,
    });
    const result = await prunePostbackLog(t.prisma, { ...RETENTION, now: NOW });
    expect(result).toMatchObject({ dropped_partitions: [dayName(-150)], late_rows_kept: 1 });
    expect(await partitionsOf(late)).toEqual(['postback_log_default']);
    const { rows } = await other.query(`SELECT to_regclass($1) AS t`, [dayName(-150)]);
    expect(rows).toEqual([{ t: null }]);
  });
});

describe('DDL under lock_timeout', () => {
  it('tries again while another transaction holds a conflicting lock, and succeeds once it is released', async () => {
    const { logger, lines } = capturedLogger();
    // ATTACH needs ACCESS EXCLUSIVE on the default partition: an open transaction that read it is in the way.
    await other.query('BEGIN');
    await other.query('SELECT count(*) FROM postback_log_default');
    const creating = createDayPartitions(t.prisma, { aheadDays: 0, now: daysFromNow(400), lockTimeoutMs: 100, backoffMs: 50, attempts: 100, logger });
    try {
      await eventually(async () => lines().some((l) => l.msg === 'postback_log maintenance: lock not available, will try again'), 20_000, 'a retry');
      expect(await partitionNames()).not.toContain(dayName(400));
    } finally {
      await other.query('COMMIT');
    }
    expect(await creating).toEqual([{ partition: dayName(400), moved_from_default: 0 }]);
    expect(lines().find((l) => l.msg === 'postback_log maintenance: lock not available, will try again')).toMatchObject({
      step: `create ${dayName(400)}`,
      attempt: 1,
    });
  });

  it('gives up after its tries with PartitionLockTimeoutError, changing nothing', async () => {
    await createDayPartitions(t.prisma, { aheadDays: 0, now: daysFromNow(-200) });
    await other.query('BEGIN');
    // A query of the whole log (no partition pruned) holds ACCESS SHARE on the parent: DETACH must wait for it.
    await other.query('SELECT count(*) FROM postback_log');
    try {
      await expect(prunePostbackLog(t.prisma, { ...RETENTION, now: NOW, lockTimeoutMs: 50, backoffMs: 10, attempts: 3 }))
        .rejects.toBeInstanceOf(PartitionLockTimeoutError);
    } finally {
      await other.query('COMMIT');
    }
    expect(await partitionNames()).toContain(dayName(-200));
    expect(await prunePostbackLog(t.prisma, { ...RETENTION, now: NOW })).toMatchObject({ dropped_partitions: [dayName(-200)] });
  });
});

describe('a postback replayed after its day was dropped', () => {
  let admin: AdminHandle;
  beforeAll(() => {
    admin = connectAdminDeps(t.cfg);
  });
  afterAll(async () => {
    await admin.close();
  });

  it('is applied into the default partition, never dead-lettered', async () => {
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id, status: 'approved' });
    const receivedAt = daysFromNow(-200).getTime();
    expect((await listPartitions(t.prisma)).some((p) => p.kind !== 'default' && (p.from?.getTime() ?? -Infinity) <= receivedAt && (p.to?.getTime() ?? Infinity) > receivedAt)).toBe(false);
    const postbackId = batchIds(1, receivedAt).postbackIds[0]!;
    const dead: DeadLetterData = {
      job: {
        v: 1, postbackId, endpointId: 1, scope: { kind: 'global', advertiserId: offer.advertiserId, offerId: null },
        transactionId: conversion.transactionId, reason: 'chargeback', seq: receivedAt, receivedAt,
      },
      failedReason: 'refused for good',
      errors: ['refused for good'],
      attemptsMade: 1,
      deadLetteredAt: receivedAt,
      errorKind: 'P0001',
    };
    await onlyShard(admin).deadLetters.add('dead', dead, { jobId: postbackId });
    const worker = startInProcessWorker(t.cfg);
    try {
      expect(await replayDeadLetter(onlyShard(admin).pair, postbackId)).toBe('replayed');
      const row = await eventually(async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId } })) ?? undefined, 20_000, 'the replayed postback');
      expect(row.outcome).toBe('rejected');
      expect(await partitionsOf([postbackId])).toEqual(['postback_log_default']);
      expect(await onlyShard(admin).deadLetters.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
      expect(await onlyShard(admin).deadLetters.getJob(postbackId)).toBeUndefined();
    } finally {
      await worker.close();
    }
  });
});
