import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAdvertiserNameRefused } from './helpers/fixtures.js';
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

/** Exactly one line on stderr. */
function oneLineOf(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('the CLI on values the columns cannot hold (issue 9)', () => {
  async function ndjson(...rows: unknown[]): Promise<string> {
    const file = join(await mkdtemp(join(tmpdir(), 'cli-bad-')), 'conversions.ndjson');
    await writeFile(file, rows.map((r) => (r === '' ? '' : JSON.stringify(r))).join('\n'));
    return file;
  }

  it('names an advertiser id past int4 in one line and exits 2', async () => {
    const { code, stderr } = await cli('offer', 'create', '--advertiser', '2147483648', '--name', 'x');
    expect(code).toBe(2);
    expect(oneLineOf(stderr)).toBe('error: advertiser_id: must be a whole number from 1 to 2147483647');
  });

  it('names a rejection URL id past int4 in one line and exits 2', async () => {
    const { code, stderr } = await cli('rejection-url', 'revoke', '1099511627776');
    expect(code).toBe(2);
    expect(oneLineOf(stderr)).toBe('error: id: must be a whole number from 1 to 2147483647');
  });

  it('names the line and field of a payout past numeric(12,4) or a NUL in an import, and imports nothing', async () => {
    const offer = (await cli('offer', 'create', '--advertiser', String((await cli('advertiser', 'create', '--name', 'Imports')).json().id), '--name', 'o')).json();
    const good = { transaction_id: 'fine-1', offer_id: offer.id, status: 'approved' };
    const payout = await ndjson(good, '', { transaction_id: 'huge', offer_id: offer.id, status: 'approved', payout: 1e20 });
    const tooBig = await cli('conversions', 'import', payout);
    expect(tooBig.code).toBe(2);
    expect(oneLineOf(tooBig.stderr)).toBe(`error: ${payout}:3: payout: must be less than 100000000 in absolute value (numeric(12,4))`);
    const nul = await ndjson(good, { transaction_id: 'a\u0000b', offer_id: offer.id, status: 'approved' });
    const withNul = await cli('conversions', 'import', nul);
    expect(withNul.code).toBe(2);
    expect(oneLineOf(withNul.stderr)).toBe(`error: ${nul}:2: transaction_id: must not contain control characters, U+FFFD or unpaired surrogates`);
    expect(await t.prisma.conversion.count({ where: { offerId: Number(offer.id) } })).toBe(0);
  });

  it('names a control character in a name in one line and exits 2', async () => {
    const { code, stderr } = await cli('advertiser', 'create', '--name', 'a\u0001b');
    expect(code).toBe(2);
    expect(oneLineOf(stderr)).toBe('error: name: must not contain control characters, U+FFFD or unpaired surrogates');
  });

  it('answers a usage error with one line and exit 2', async () => {
    const { code, stderr } = await cli('offer', 'create', '--name', 'x');
    expect(code).toBe(2);
    expect(oneLineOf(stderr)).toBe("error: required option '--advertiser <id>' not specified");
  });

  it('exits 2 with one line when Postgres refuses a value the schemas let through', async () => {
    const fix = await givenAdvertiserNameRefused(t.prisma, 'refused as data', '22003');
    try {
      const { code, stderr } = await cli('advertiser', 'create', '--name', 'refused as data');
      expect(code).toBe(2);
      expect(oneLineOf(stderr)).toBe('error: a number is out of range for its column (SQLSTATE 22003)');
    } finally {
      await fix();
    }
  });

  it('exits 1 with one line, no stack or source, on an unexpected error', async () => {
    const fix = await givenAdvertiserNameRefused(t.prisma, 'refused otherwise', 'P0001');
    try {
      const { code, stderr } = await cli('advertiser', 'create', '--name', 'refused otherwise');
      expect(code).toBe(1);
      expect(oneLineOf(stderr)).toMatch(/^error: unexpected PrismaClientKnownRequestError: .*P0001.*refused by test trigger/);
    } finally {
      await fix();
    }
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
