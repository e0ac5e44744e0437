import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenDeadLetter, givenDeliveryDeadLetter } from './helpers/deadLetterFixtures.js';
import { connectAdminDeps, onlyShard, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let t: TestEnvironment;
let admin: AdminHandle;

beforeAll(async () => {
  t = await createTestEnvironment('dlq_cli');
  admin = connectAdminDeps(t.cfg);
});
afterAll(async () => {
  await admin.close();
  await t.teardown();
});

/** The built CLI, as `npm run cli -- …` runs it. */
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

describe('the dead-letter commands of the CLI', () => {
  it('estimates, replays in the foreground with progress on stderr, and shows the replay in the history', async () => {
    const kept = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'P0001' });
    const ids = await Promise.all([1, 2, 3].map(() => givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' })));

    const estimate = await cli('dlq', 'replay', '--error-kind', '23514', '--dry-run');
    expect(JSON.parse(estimate.stdout)).toMatchObject({ dry_run: true, matched: 3 });

    const run = await cli('dlq', 'replay', '--error-kind', '23514', '--rate', '50', '--operator', 'carol');
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ status: 'completed', matched: 3, replayed: 3, operator: 'carol' });
    expect(run.stderr).toContain(`replay ${record.id}: completed, 3 of 3 replayed`);
    for (const id of ids) expect(await onlyShard(admin).queue.getJob(id)).toBeDefined();
    expect(await onlyShard(admin).deadLetters.getJob(kept)).toBeDefined();

    const history = JSON.parse((await cli('dlq', 'history')).stdout);
    expect(history.replays[0]).toMatchObject({ id: record.id, operator: 'carol', filter: { error_kind: ['23514'] } });
  });

  it('asks for ids, a filter or --all before replaying or purging everything', async () => {
    const { code, stderr } = await cli('dlq', 'purge', '--confirm');
    expect(code).toBe(2);
    expect(stderr).toContain('--all');
  });

  it('purges only with --confirm, and says how many it would have purged without', async () => {
    await onlyShard(admin).deadLetters.obliterate({ force: true });
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable', deadLetteredAt: Date.now() - 8 * 86_400_000 });
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable' });

    const unconfirmed = await cli('dlq', 'purge', '--older-than', '7d', '--error-kind', 'unreadable');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr.trim()).toBe('error: would purge 1 dead-lettered jobs; run again with --confirm');
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(2);

    const confirmed = await cli('dlq', 'purge', '--older-than', '7d', '--error-kind', 'unreadable', '--confirm');
    expect(JSON.parse(confirmed.stdout)).toEqual({ purged: 1 });
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(1);
  });

  it('records replays, purges and deletes in the audit trail under --operator, and dry runs not at all', async () => {
    await onlyShard(admin).deadLetters.obliterate({ force: true });
    const replayed = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' });
    const deleted = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'P0001' });
    const purged = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable' });
    const since = await t.prisma.adminAudit.count();
    expect((await cli('--operator', 'judy', 'dlq', 'replay', '--error-kind', '23514', '--dry-run')).code).toBe(0);
    const replay = JSON.parse((await cli('--operator', 'judy', 'dlq', 'replay', replayed)).stdout);
    expect(replay).toMatchObject({ status: 'completed', replayed: 1, operator: 'judy' });
    expect(JSON.parse((await cli('dlq', 'delete', deleted, '--operator', 'judy')).stdout)).toEqual({ deleted });
    expect((await cli('--operator', 'judy', 'dlq', 'purge', '--error-kind', 'unreadable')).code).toBe(2);
    expect(JSON.parse((await cli('--operator', 'judy', 'dlq', 'purge', '--error-kind', 'unreadable', '--confirm')).stdout)).toEqual({ purged: 1 });

    const rows = await t.prisma.adminAudit.findMany({ orderBy: { id: 'asc' }, skip: since });
    expect(rows.map((r) => [r.action, r.target, r.operator, r.outcome])).toEqual([
      ['dlq.replay', replay.id, 'judy', 'ok'],
      ['dlq.delete', deleted, 'judy', 'ok'],
      ['dlq.purge', null, 'judy', 'ok'],
    ]);
    expect(rows[0]!.details).toMatchObject({ filter: { ids: [replayed] }, status: 'completed', matched: 1, replayed: 1 });
    expect(rows[2]!.details).toEqual({ filter: { error_kind: ['unreadable'] }, purged: 1 });
    expect(await onlyShard(admin).deadLetters.getJob(purged)).toBeUndefined();
  });

  it('works on the deliveries dead-letter queue with --queue deliveries, and on the postbacks one without', async () => {
    const deadLetters = admin.deliveryQueues.deadLetters;
    const ofFive = await givenDeliveryDeadLetter(deadLetters, { target: { affiliatePostbackId: 5, alertRuleId: null, transactionId: 'tx-five' } });
    const ofAlert = await givenDeliveryDeadLetter(deadLetters, { target: { affiliatePostbackId: null, alertRuleId: 3, transactionId: null } });

    const listed = JSON.parse((await cli('dlq', 'list', '--queue', 'deliveries')).stdout);
    expect(listed.total).toBe(2);
    expect(listed.jobs.map((j: { id: string }) => j.id).sort()).toEqual([ofFive, ofAlert].sort());
    expect(JSON.parse((await cli('dlq', 'show', ofFive, '--queue', 'deliveries')).stdout)).toMatchObject({
      notification_id: ofFive,
      affiliate_postback_id: 5,
      transaction_id: 'tx-five',
    });
    const postbacks = JSON.parse((await cli('dlq', 'list')).stdout);
    expect(postbacks.jobs.map((j: { id: string }) => j.id)).not.toContain(ofFive);

    const inapplicable = await cli('dlq', 'purge', '--queue', 'deliveries', '--endpoint', '1', '--confirm');
    expect(inapplicable.code).toBe(2);
    expect(inapplicable.stderr).toContain('endpoint_id');

    const replay = JSON.parse((await cli('dlq', 'replay', '--queue', 'deliveries', '--affiliate-postback', '5')).stdout);
    expect(replay).toMatchObject({ status: 'completed', matched: 1, replayed: 1 });
    expect(replay.queue).toContain('deliveries-dead');
    expect(await admin.deliveryQueues.queue.getJob(ofFive)).toBeDefined();

    expect(JSON.parse((await cli('dlq', 'purge', '--queue', 'deliveries', '--alert-rule', '3', '--confirm')).stdout)).toEqual({ purged: 1 });
    expect(await deadLetters.getWaitingCount()).toBe(0);
  });
});
