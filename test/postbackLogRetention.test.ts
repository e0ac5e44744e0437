import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMaintenanceQueue, createWorkerRedis, loadConfig, prunePostbackLog, type PrismaClient } from '@postback/core';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import {
  ALERT_SCHEDULER_ID,
  NOTIFICATION_RETENTION_SCHEDULER_ID,
  RETENTION_SCHEDULER_ID,
  ROLLUP_SCHEDULER_ID,
} from '../apps/worker/src/retentionSchedule.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { startInProcessWorker } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;
const NOW = new Date();
let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('pb_log_retention');
});
afterAll(async () => {
  await t.teardown();
});
beforeEach(async () => {
  await t.prisma.postbackLog.deleteMany();
});

/** postback_log rows received `daysAgo` days ago and processed `processedDaysAgo` days ago (by default, then too). */
async function givenLogRows(prisma: PrismaClient, count: number, daysAgo: number, processedDaysAgo = daysAgo) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await prisma.postbackLog.createMany({
    data: ids.map((postbackId, i) => ({
      postbackId,
      endpointId: 1,
      transactionId: `tx-${i}`,
      reason: 'bot_traffic',
      seq: i + 1,
      receivedAt: new Date(NOW.getTime() - daysAgo * DAY),
      processedAt: new Date(NOW.getTime() - processedDaysAgo * DAY),
      outcome: 'rejected',
      attempts: 1,
    })),
  });
  return ids;
}

const remainingIds = async () => (await t.prisma.postbackLog.findMany({ select: { postbackId: true } })).map((r) => r.postbackId).sort();

describe('postback log retention', () => {
  it('deletes rows older than the retention in batches, keeps newer ones and every history row', async () => {
    const old = await givenLogRows(t.prisma, 23, 100);
    const recent = await givenLogRows(t.prisma, 5, 89);
    // Received long ago but applied yesterday (a dead-letter replay): kept for the full retention after applying.
    const replayed = await givenLogRows(t.prisma, 1, 100, 1);
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'bot_traffic' });
    await t.prisma.conversionStatusHistory.createMany({
      data: old.slice(0, 3).map((postbackId) => ({
        conversionId: conversion.id,
        fromStatus: 'approved' as const,
        toStatus: 'rejected' as const,
        newReason: 'bot_traffic',
        postbackId,
      })),
    });
    const historyBefore = await t.prisma.conversionStatusHistory.findMany({ orderBy: { id: 'asc' } });

    const result = await prunePostbackLog(t.prisma, { retentionDays: 90, batchSize: 5, pauseMs: 0, now: NOW });

    expect(result).toMatchObject({ dry_run: false, deleted: 23, batches: 5 });
    expect(await remainingIds()).toEqual([...recent, ...replayed].sort());
    expect(await t.prisma.conversionStatusHistory.findMany({ orderBy: { id: 'asc' } })).toEqual(historyBefore);
  });

  it('counts and deletes nothing on a dry run', async () => {
    await givenLogRows(t.prisma, 7, 91);
    await givenLogRows(t.prisma, 2, 10);
    const result = await prunePostbackLog(t.prisma, { retentionDays: 90, batchSize: 5, dryRun: true, now: NOW });
    expect(result).toMatchObject({ dry_run: true, would_delete: 7 });
    expect(await t.prisma.postbackLog.count()).toBe(9);
  });

  it('lets concurrent runs share the work: each row deleted once, no errors', async () => {
    await givenLogRows(t.prisma, 3000, 120);
    const kept = await givenLogRows(t.prisma, 10, 1);
    const options = { retentionDays: 90, batchSize: 100, pauseMs: 0, now: NOW };
    const runs = await Promise.all([prunePostbackLog(t.prisma, options), prunePostbackLog(t.prisma, options)]);
    // A run stops at its first short batch, which may be one that lost rows to the other run: finish with a third.
    const last = await prunePostbackLog(t.prisma, options);
    const deleted = [...runs, last].reduce((sum, r) => sum + (r.dry_run ? 0 : r.deleted), 0);
    expect(deleted).toBe(3000);
    expect(await remainingIds()).toEqual(kept.sort());
  });

  it('runs from the CLI, with --dry-run first', async () => {
    await givenLogRows(t.prisma, 4, 95);
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...t.env },
      });
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    expect(await cli('postbacks', 'prune', '--dry-run')).toMatchObject({ dry_run: true, would_delete: 4 });
    expect(await t.prisma.postbackLog.count()).toBe(4);
    expect(await cli('postbacks', 'prune')).toMatchObject({ dry_run: false, deleted: 4 });
    expect(await t.prisma.postbackLog.count()).toBe(0);
  });
});

describe('the retention schedule', () => {
  it('has one entry per scheduler however many workers start, and prunes on its interval', async () => {
    const cfg = loadConfig({ ...t.env, RETENTION_INTERVAL_MS: '1000' });
    const workers: WorkerProcess[] = [startInProcessWorker(cfg), startInProcessWorker(cfg)];
    const redis = createWorkerRedis(cfg);
    const maintenance = createMaintenanceQueue(cfg, redis);
    try {
      await givenLogRows(t.prisma, 3, 100);
      const kept = await givenLogRows(t.prisma, 1, 5);
      await eventually(async () => (await t.prisma.postbackLog.count()) === 1, 20_000, 'the scheduled prune');
      expect(await remainingIds()).toEqual(kept);
      const schedulers = await maintenance.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(
        [RETENTION_SCHEDULER_ID, ROLLUP_SCHEDULER_ID, ALERT_SCHEDULER_ID, NOTIFICATION_RETENTION_SCHEDULER_ID].sort(),
      );
      expect(schedulers.find((s) => s.key === RETENTION_SCHEDULER_ID)).toMatchObject({ every: 1000 });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await maintenance.close();
      redis.disconnect();
    }
  });
});
