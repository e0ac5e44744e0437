import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
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

/** Runs the built CLI, and returns its exit code and output. */
function cli(...args: string[]): Promise<CliResult> {
  return cliWith({}, ...args);
}

/** The CLI with some environment variables changed (a store at a closed port). */
function cliWith(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return run(process.execPath, ['apps/admin/dist/cli.js', ...args], env);
}

/** The CLI as an operator runs it: `npx postback …`, the bin npm links from apps/admin (bin/postback.js). */
function postback(...args: string[]): Promise<CliResult> {
  return run(join(ROOT, 'node_modules/.bin/postback'), args, {});
}

async function run(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
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
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('unknown command');
    const unknownOption = await cli('advertiser', 'list', '--nmae', 'x');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--nmae'");
  });
});

describe('the postback bin', () => {
  it('prints nothing but JSON on stdout, so its output pipes into jq', async () => {
    const created = await postback('advertiser', 'create', '--name', 'Bin Co');
    expect(created.code).toBe(0);
    expect(created.stdout.trimStart().startsWith('{')).toBe(true);
    const listed = await postback('advertiser', 'list', '--name', 'bin co');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ advertisers: [{ id: created.json().id, name: 'Bin Co', created_at: expect.any(String) }], next_cursor: null });
  });

  it('exits 2 on an unknown command, with one hint on stderr and nothing on stdout', async () => {
    const { code, stdout, stderr } = await postback('frobnicate');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown command 'frobnicate'");
    expect(stderr).toContain('postback --help');
  });
});

describe('postback --help', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  /** The CLI section's command list: one command per line, continuation lines indented. */
  const readmeCommands = () => {
    const block = /### CLI\n[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    return block.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(' ').slice(0, 2).join(' '));
  };
  /** Each command the help lists (`  advertiser create --name <name>`), with the description line under it. */
  const helpCommands = (help: string) =>
    [...help.matchAll(/^ {2}(\S+ \S+)(?: .*)?\n(?: {4}\S.*\n)*( {6}.*)$/gm)].map((m) => ({ command: m[1]!, description: m[2]!.trim() }));

  it('lists every command with its usage as typed and what it does: the same commands as the README', async () => {
    const { code, stdout } = await postback('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: postback <command>/);
    const listed = helpCommands(stdout);
    expect(listed.map((c) => c.command).sort()).toEqual(readmeCommands().sort());
    for (const { command, description } of listed) expect(description.length, command).toBeGreaterThan(10);
    expect(stdout).toContain('  advertiser create --name <name>\n');
    expect(stdout).toContain('  rejection-url revoke <id>\n');
    expect(stdout).toMatch(/^ {2}dlq replay \[ids\.\.\.\] \[--queue <queue>\] \[--all\]/m);
  });

  it('knows every postback command the README tells an operator to run', async () => {
    const known = new Set(helpCommands((await postback('--help')).stdout).map((c) => c.command));
    const told = [...readme.matchAll(/(?:npx postback|npm run cli --) ([a-z-]+ [a-z-]+)/g)].map((m) => m[1]!);
    expect(told.length).toBeGreaterThan(5);
    expect(told.filter((command) => !known.has(command))).toEqual([]);
  });
});

describe('the list commands', () => {
  it('list advertisers, offers and rejection URLs with the ids a revoke needs, never a key hash', async () => {
    const advertiser = await t.prisma.advertiser.create({ data: { name: 'Lister Ltd' } });
    const offer = await t.prisma.offer.create({ data: { advertiserId: advertiser.id, name: 'Autumn' } });
    const endpoint = (offerId: number | null, revokedAt: Date | null) =>
      t.prisma.rejectionEndpoint.create({ data: { advertiserId: advertiser.id, scope: offerId === null ? 'global' : 'offer', offerId, keyHash: randomBytes(32).toString('hex'), revokedAt } });
    const global = await endpoint(null, null);
    const revoked = await endpoint(offer.id, new Date());

    expect((await cli('advertiser', 'list', '--name', 'lister')).json()).toMatchObject({ advertisers: [{ id: advertiser.id, name: 'Lister Ltd' }] });
    expect((await cli('offer', 'list', '--advertiser', String(advertiser.id))).json()).toMatchObject({ offers: [{ id: offer.id, name: 'Autumn' }], next_cursor: null });
    const all = await cli('rejection-url', 'list', '--advertiser', String(advertiser.id));
    expect(all.json()).toMatchObject({
      rejection_endpoints: [
        { id: global.id, scope: 'global', revoked_at: null },
        { id: revoked.id, scope: 'offer', offer_id: offer.id, revoked_at: revoked.revokedAt!.toISOString() },
      ],
    });
    expect(all.stdout).not.toContain(global.keyHash);
    const ids = async (flag: string) =>
      ((await cli('rejection-url', 'list', '--advertiser', String(advertiser.id), flag)).json().rejection_endpoints as Array<{ id: number }>).map((e) => e.id);
    expect(await ids('--active')).toEqual([global.id]);
    expect(await ids('--revoked')).toEqual([revoked.id]);
    expect((await cli('rejection-url', 'list', '--active', '--revoked')).code).toBe(2);
  });
});

describe('rotating a rejection URL', () => {
  it('prints the new URL once, and the list shows the old one expiring, replaced, as JSON or as a table', async () => {
    const advertiser = await t.prisma.advertiser.create({ data: { name: 'Rotator Ltd' } });
    const created = (await cli('rejection-url', 'create', '--advertiser', String(advertiser.id))).json();
    const rotated = await cli('rejection-url', 'rotate', String(created.id), '--grace', '3600');
    expect(rotated.code).toBe(0);
    const body = rotated.json();
    expect(body).toMatchObject({ scope: 'global', replaces: created.id, url: expect.stringContaining(`key=${String(body.key)}`) });
    expect(Date.parse(String(body.old_expires_at)) - Date.now()).toBeGreaterThan(3500_000);

    const listed = (await cli('rejection-url', 'list', '--advertiser', String(advertiser.id), '--json')).json();
    expect(listed).toMatchObject({
      rejection_endpoints: [
        { id: created.id, expires_at: body.old_expires_at, replaced_by: body.id, postbacks_24h: 0 },
        { id: body.id, expires_at: null, replaced_by: null, postbacks_24h: 0 },
      ],
    });
    const table = await cli('rejection-url', 'list', '--advertiser', String(advertiser.id), '--table');
    expect(table.code).toBe(0);
    const [header, oldLine, newLine, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +SCOPE +ADVERTISER +OFFER +CREATED +LAST USED +24H +STATE$/);
    expect(oldLine).toMatch(new RegExp(`^${String(created.id)} +global +${advertiser.id} +- .* expires \\S+ \\S+Z \\(replaced by ${String(body.id)}\\)$`));
    expect(newLine).toMatch(new RegExp(`^${String(body.id)} +global .* active$`));
    expect(rest).toEqual([]);
    expect(table.stdout).not.toContain(String(body.key));

    const again = await cli('rejection-url', 'rotate', String(created.id));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already rotated/);
    const bad = await cli('rejection-url', 'rotate', String(body.id), '--grace', 'a week');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: grace_seconds: /);
    expect((await cli('rejection-url', 'list', '--table', '--json')).code).toBe(2);
  });
});

describe('the operator a replay records', () => {
  it('is the shell user without --operator, also when ADMIN_TOKEN is set (the CLI does not use it)', async () => {
    const replayed = await cliWith({ ADMIN_TOKEN: 'a-token-the-cli-never-sends-0123' }, 'dlq', 'replay', '--all');
    expect(replayed.code).toBe(0);
    expect(replayed.json()).toMatchObject({ status: 'completed', operator: `cli:${userInfo().username}` });
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

  it('records cli: and the OS user without --operator, also with ADMIN_TOKEN set, and refuses a bad name', async () => {
    const byUser = (await cliWith({ ADMIN_TOKEN: 'cli-audit-admin-token-0123456789' }, 'advertiser', 'create', '--name', 'By user')).json();
    const rows = (await cli('audit', 'list', '--action', 'advertiser.create', '--limit', '1')).json().audit as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.target, r.operator])).toEqual([[String(byUser.id), `cli:${userInfo().username}`]]);
    expect(rows[0]!.source).toBe(`cli:${userInfo().username}@${hostname()}`);
    const bad = await cli('--operator', '', 'advertiser', 'create', '--name', 'Nobody');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--operator');
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
    expect(oneLineOf(stderr)).toBe("error: required option '--advertiser <id>' not specified (postback --help lists every command)");
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
