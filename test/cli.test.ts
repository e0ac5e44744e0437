import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('cli');
});
afterAll(async () => {
  await t.teardown();
});

type CliResult = { code: number; stdout: string; stderr: string; json: () => Record<string, unknown> };

/** Runs the built CLI as `npm run cli -- …` does, and returns its exit code and output. */
function cli(...args: string[]): Promise<CliResult> {
  return cliWith({}, ...args);
}

/** The CLI with some environment variables changed (a store at a closed port). */
async function cliWith(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...t.env, ...env },
    });
    return { code: 0, stdout, stderr, json: () => JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: () => JSON.parse(e.stdout) };
  }
}

describe('the operators CLI', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const command of ['advertiser', 'offer', 'rejection-url', 'conversions', 'conversion', 'postback', 'dlq']) {
      expect(stdout).toContain(command);
    }
  });

  it('creates an advertiser, an offer and a rejection URL, imports NDJSON and shows a conversion, printing JSON', async () => {
    const advertiser = (await cli('advertiser', 'create', '--name', 'CLI Co')).json();
    expect(advertiser).toMatchObject({ id: expect.any(Number), name: 'CLI Co' });
    const offer = (await cli('offer', 'create', '--advertiser', String(advertiser.id), '--name', 'Winter')).json();
    const url = (await cli('rejection-url', 'create', '--offer', String(offer.id))).json();
    expect(url).toMatchObject({ scope: 'offer', key: expect.any(String) });
    expect(String(url.url)).toContain('new_rejected_reason=REPLACE_WITH_REJECTION_REASON&transaction_id=REPLACE');

    const file = join(await mkdtemp(join(tmpdir(), 'cli-')), 'conversions.ndjson');
    await writeFile(file, [
      JSON.stringify({ transaction_id: 'cli-1', offer_id: offer.id, status: 'approved', payout: 3 }),
      '',
      JSON.stringify({ transaction_id: 'cli-2', offer_id: offer.id, status: 'pending' }),
    ].join('\n'));
    expect((await cli('conversions', 'import', file)).json()).toEqual({ imported: 2 });
    expect((await cli('conversion', 'show', 'cli-2')).json()).toMatchObject({ transaction_id: 'cli-2', status: 'pending', history: [] });
    expect((await cli('rejection-url', 'revoke', String(url.id))).json()).toMatchObject({ id: url.id });
    expect((await cli('dlq', 'list')).json()).toEqual({ total: 0, jobs: [] });
  });

  it('fails with a clear message and exit code 2 on bad input, 1 on something not found', async () => {
    const bad = await cli('rejection-url', 'create');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('advertiser_id');
    const missing = await cli('conversion', 'show', 'no-such-tx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
    const unknownCommand = await cli('frobnicate');
    expect(unknownCommand.code).not.toBe(0);
    expect(unknownCommand.stderr).toContain('unknown command');
  });
});

describe('the audit trail from the CLI', () => {
  it('records each state-changing command under --operator and lists it with audit list', async () => {
    const as = ['--operator', 'ivy'];
    const advertiser = (await cli(...as, 'advertiser', 'create', '--name', 'Audited CLI Co')).json();
    // --operator may come after the command too.
    const offer = (await cli('offer', 'create', '--advertiser', String(advertiser.id), '--name', 'Spring', '--operator', 'ivy')).json();
    const url = (await cli(...as, 'rejection-url', 'create', '--offer', String(offer.id))).json();
    expect((await cli(...as, 'rejection-url', 'revoke', String(url.id))).code).toBe(0);
    const file = join(await mkdtemp(join(tmpdir(), 'cli-audit-')), 'conversions.ndjson');
    await writeFile(file, [1, 2, 3].map((i) => JSON.stringify({ transaction_id: `cli-audit-${i}`, offer_id: offer.id, status: 'approved' })).join('\n'));
    expect((await cli(...as, 'conversions', 'import', file)).json()).toEqual({ imported: 3 });
    // A dry run changes nothing and leaves no row; the prune itself does.
    expect((await cli(...as, 'postbacks', 'prune', '--dry-run')).code).toBe(0);
    expect((await cli(...as, 'postbacks', 'prune')).code).toBe(0);

    const listed = (await cli('audit', 'list', '--by', 'ivy')).json();
    const rows = (listed.audit as Array<Record<string, unknown>>).reverse();
    expect(rows.map((r) => [r.action, r.target])).toEqual([
      ['advertiser.create', String(advertiser.id)],
      ['offer.create', String(offer.id)],
      ['rejection_url.create', String(url.id)],
      ['rejection_url.revoke', String(url.id)],
      ['conversions.import', null],
      ['postbacks.prune', null],
    ]);
    for (const row of rows) expect(row).toMatchObject({ operator: 'ivy', source: expect.stringMatching(/^cli:.+@.+/), outcome: 'ok' });
    expect(rows[4]!.details).toEqual({ submitted: 3, imported: 3 });
    expect(JSON.stringify(rows)).not.toContain(String(url.key));
    expect((await cli('audit', 'list', '--by', 'ivy', '--action', 'offer.create')).json().audit).toHaveLength(1);
  });

  it('records the admin token fingerprint without --operator, else the OS user, and refuses a bad name', async () => {
    const token = 'cli-audit-admin-token-0123456789';
    const fingerprint = `token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
    const byToken = (await cliWith({ ADMIN_TOKEN: token }, 'advertiser', 'create', '--name', 'By token')).json();
    const byUser = (await cli('advertiser', 'create', '--name', 'By user')).json();
    const rows = (await cli('audit', 'list', '--action', 'advertiser.create', '--limit', '2')).json().audit as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.target, r.operator])).toEqual([
      [String(byUser.id), expect.stringMatching(/^cli:.+@.+/)],
      [String(byToken.id), fingerprint],
    ]);
    expect(rows[0]!.operator).toBe(rows[0]!.source);
    const bad = await cli('--operator', '', 'advertiser', 'create', '--name', 'Nobody');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--operator');
  });
});

// Nothing listens on port 1 (a privileged port): connections to it are refused at once.
const CLOSED_PORT = 1;

describe('the CLI when something is missing or down', () => {
  it('names a missing NDJSON file in one line and exits 2', async () => {
    const { code, stderr } = await cli('conversions', 'import', '/no/such/conversions.ndjson');
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('error: cannot read /no/such/conversions.ndjson (ENOENT)');
  });

  it('says Redis is unreachable and exits 1 instead of waiting for it', async () => {
    const down = { REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}` };
    for (const args of [['dlq', 'list'], ['dlq', 'replay', '--all'], ['dlq', 'delete', 'x']]) {
      const { code, stderr } = await cliWith(down, ...args);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe('error: redis unreachable (REDIS_URL)');
    }
  }, 20_000);

  it('says Postgres is unreachable and exits 1', async () => {
    const down = { DATABASE_URL: `postgresql://postgres@127.0.0.1:${CLOSED_PORT}/postgres` };
    for (const args of [['conversion', 'show', 'tx'], ['advertiser', 'create', '--name', 'x']]) {
      const { code, stderr } = await cliWith(down, ...args);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe('error: postgres unreachable (DATABASE_URL)');
    }
  }, 20_000);
});

describe('configuration errors', () => {
  it('stops a process at start with a message naming the bad variable', async () => {
    const { code, stderr } = await promisify(execFile)(process.execPath, ['apps/worker/dist/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, REDIS_URL: 'not a url', WORKER_CONCURRENCY: '-3' },
    }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_URL');
    expect(stderr).toContain('WORKER_CONCURRENCY');
  });
});
