import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { startInProcessWorker } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// `postback rejections …`: the built CLI (npm test builds first), against this file's database and Redis, with a
// worker applying what it queues.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let t: TestEnvironment;
let worker: WorkerProcess;
let dir: string;

beforeAll(async () => {
  t = await createTestEnvironment('bulk_rejections_cli', { BULK_REJECTIONS_PER_SECOND: '5000' });
  worker = startInProcessWorker(t.cfg);
  dir = await mkdtemp(join(tmpdir(), 'bulk-cli-'));
});

afterAll(async () => {
  await worker?.close();
  await t?.teardown();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...t.env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function fileOf(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('postback rejections import', () => {
  it('rejects the file\'s transaction ids, following on stderr and printing the summary as JSON at the end', async () => {
    const offer = await givenOffer(t.prisma);
    const a = await givenConversion(t.prisma, { offerId: offer.id });
    const b = await givenConversion(t.prisma, { offerId: offer.id });
    const file = await fileOf('chargebacks.csv', `transaction_id,reason\n${a.transactionId},chargeback\n${b.transactionId},\n,oops\n`);

    const run = await cli('--operator', 'fraud-bot', 'rejections', 'import', file, '--offer', String(offer.id), '--reason', 'fraud');

    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      status: 'completed', rows: 3, invalid_count: 1, queued: 2, applied: 2, created_by: 'fraud-bot',
      outcomes: { rejected: 2 }, invalid: [{ line: 4, error: 'transaction_id is missing' }],
    });
    // Off a terminal: a line per ten seconds and the last one, no bar redrawn in place.
    expect(run.stderr).toMatch(/completed: 3 read, 2 queued, 2 applied, 1 invalid\n$/);
    expect(run.stderr).not.toContain('\r');
    expect((await t.prisma.conversion.findUniqueOrThrow({ where: { id: b.id } })).rejectedReason).toBe('fraud');

    const status = JSON.parse((await cli('rejections', 'bulk-status', String(summary.id), '--limit', '1')).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ id: summary.id, applied: 2, invalid: [{ line: 4 }], next_invalid_cursor: null });
    const list = JSON.parse((await cli('rejections', 'bulk-list', '--limit', '1')).stdout) as { bulk_rejections: Array<{ id: string }> };
    expect(list.bulk_rejections.map((r) => r.id)).toEqual([summary.id]);
  });

  it('reads NDJSON and counts a dry run by outcome, changing nothing', async () => {
    const offer = await givenOffer(t.prisma);
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    const file = await fileOf('list.ndjson', `${JSON.stringify({ transaction_id: c.transactionId, reason: 'fraud' })}\n${JSON.stringify({ transaction_id: 'nobody', reason: 'fraud' })}\n`);

    const run = await cli('rejections', 'import', file, '--advertiser', String(offer.advertiserId), '--dry-run');

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', dry_run: true, queued: 0, outcomes: { rejected: 1, not_found: 1 } });
    expect((await t.prisma.conversion.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('approved');
  });

  it('exits 2 with one line for a file it refuses whole, and for a missing file', async () => {
    const offer = await givenOffer(t.prisma);
    const noHeader = await fileOf('no-header.csv', 'tx-1,fraud\n');
    const refused = await cli('rejections', 'import', noHeader, '--offer', String(offer.id));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: .*header/);
    expect((await cli('rejections', 'import', join(dir, 'missing.csv'), '--offer', String(offer.id))).code).toBe(2);
  });

  it('stages only with --no-wait, leaving the queuing to an admin server; bulk-cancel stops it', async () => {
    const offer = await givenOffer(t.prisma);
    const file = await fileOf('later.csv', 'transaction_id\nlater-1\n');
    const staged = JSON.parse((await cli('rejections', 'import', file, '--offer', String(offer.id), '--reason', 'fraud', '--no-wait')).stdout) as Record<string, unknown>;
    expect(staged).toMatchObject({ status: 'running', queued: 0 });
    const cancelled = await cli('rejections', 'bulk-cancel', String(staged.id));
    // Nobody holds it: cancelled at once.
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ status: 'cancelled', cancel_requested: true, queued: 0 });
  });
});
