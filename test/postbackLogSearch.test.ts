import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, PrismaClient } from '@postback/core';
import { useAdminApi } from './helpers/adminApiFixture.js';
import type { TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'test-admin-token-postback-log';
const BASE = Date.parse('2026-03-01T12:00:00.000Z');
const served = useAdminApi('pb_log_search', TOKEN);
let t: TestEnvironment;
let api: string;

interface Row {
  postbackId: string;
  endpointId: number;
  transactionId: string;
  outcome: Outcome;
  receivedAt: Date;
}

/** postback_log rows as the worker writes them; `at` is minutes after BASE. */
async function givenLoggedPostbacks(prisma: PrismaClient, specs: Array<Partial<Row> & { at: number }>): Promise<Row[]> {
  const rows = specs.map((s, i) => ({
    postbackId: s.postbackId ?? randomUUID(),
    endpointId: s.endpointId ?? 1,
    transactionId: s.transactionId ?? `tx-${i}`,
    outcome: s.outcome ?? ('rejected' as Outcome),
    receivedAt: new Date(BASE + s.at * 60_000),
  }));
  await prisma.postbackLog.createMany({
    data: rows.map((r) => ({ ...r, reason: 'bot_traffic', seq: 1, attempts: 1 })),
  });
  return rows;
}

async function get(path: string) {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Page {
  postbacks: Array<{ postback_id: string; received_at: string; endpoint_id: number; outcome: string; transaction_id: string }>;
  next_cursor: string | null;
}

/** Follows next_cursor to the end; `between` runs after each page (to insert rows while paging). */
async function walk(query: Record<string, string>, between: () => Promise<void> = async () => undefined) {
  const seen: Page['postbacks'] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const res = await get(`/admin/postbacks?${params}`);
    expect(res.status).toBe(200);
    const page = res.body as unknown as Page;
    seen.push(...page.postbacks);
    cursor = page.next_cursor;
    pages += 1;
    await between();
  } while (cursor);
  return { seen, pages };
}

/** Newest first, ties by postback id descending: the order the API promises. */
const newestFirst = (rows: Row[]) =>
  [...rows].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.postbackId < b.postbackId ? 1 : -1));

beforeAll(() => {
  ({ t, api } = served);
});

describe('searching the postback log', () => {
  it('walks every row exactly once, newest first, across pages of equal received_at, while newer rows arrive', async () => {
    await t.prisma.postbackLog.deleteMany();
    // 250 rows on 5 instants: 50 ties each, so most page boundaries fall inside a tie.
    const rows = await givenLoggedPostbacks(t.prisma, Array.from({ length: 250 }, (_, i) => ({ at: i % 5 })));
    let later = 0;
    const { seen, pages } = await walk({ limit: '7' }, async () => {
      later += 1;
      await givenLoggedPostbacks(t.prisma, [{ at: 1000 + later }]);
    });
    expect(pages).toBe(Math.ceil(250 / 7));
    expect(seen.map((p) => p.postback_id)).toEqual(newestFirst(rows).map((r) => r.postbackId));
  });

  it('combines the transaction, endpoint, outcome and time filters', async () => {
    await t.prisma.postbackLog.deleteMany();
    const outcomes: Outcome[] = ['rejected', 'not_found', 'superseded'];
    const rows = await givenLoggedPostbacks(
      t.prisma,
      Array.from({ length: 240 }, (_, i) => ({
        at: i % 12,
        endpointId: 1 + (i % 2),
        outcome: outcomes[i % 3],
        transactionId: `tx-${i % 4}`,
      })),
    );
    const since = new Date(BASE + 3 * 60_000);
    const until = new Date(BASE + 9 * 60_000);
    const expected = rows.filter(
      (r) => r.endpointId === 2 && r.outcome === 'not_found' && r.receivedAt >= since && r.receivedAt < until,
    );
    expect(expected.length).toBeGreaterThan(5);
    const filtered = await walk({
      endpoint_id: '2',
      outcome: 'not_found',
      since: since.toISOString(),
      until: until.toISOString(),
      limit: '3',
    });
    expect(filtered.seen.map((p) => p.postback_id)).toEqual(newestFirst(expected).map((r) => r.postbackId));

    const byTransaction = await walk({ transaction_id: 'tx-1', limit: '1000' });
    expect(byTransaction.pages).toBe(1);
    expect(byTransaction.seen.map((p) => p.postback_id)).toEqual(
      newestFirst(rows.filter((r) => r.transactionId === 'tx-1')).map((r) => r.postbackId),
    );
  });

  it('answers each row with its fields, 100 per page by default', async () => {
    await t.prisma.postbackLog.deleteMany();
    const [row] = await givenLoggedPostbacks(t.prisma, [{ at: 0, endpointId: 7, transactionId: 'abc', outcome: 'unchanged' }]);
    await givenLoggedPostbacks(t.prisma, Array.from({ length: 120 }, () => ({ at: -1 })));
    const first = await get('/admin/postbacks');
    const page = first.body as unknown as Page;
    expect(page.postbacks).toHaveLength(100);
    expect(page.next_cursor).toEqual(expect.any(String));
    expect(page.postbacks[0]).toEqual({
      postback_id: row!.postbackId,
      endpoint_id: 7,
      bulk_id: null,
      transaction_id: 'abc',
      reason: 'bot_traffic',
      outcome: 'unchanged',
      received_at: row!.receivedAt.toISOString(),
      processed_at: expect.any(String),
      attempts: 1,
    });
    const second = (await get(`/admin/postbacks?cursor=${page.next_cursor}`)).body as unknown as Page;
    expect(second.postbacks).toHaveLength(21);
    expect(second.next_cursor).toBeNull();
  });

  it('still shows one postback by id next to the list', async () => {
    const [row] = await givenLoggedPostbacks(t.prisma, [{ at: 5 }]);
    const res = await get(`/admin/postbacks/${row!.postbackId}`);
    expect(res).toMatchObject({ status: 200, body: { postback_id: row!.postbackId, outcome: 'rejected' } });
  });

  it.each([
    ['cursor', 'cursor=not-a-cursor'],
    ['cursor', `cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`],
    ['limit', 'limit=0'],
    ['limit', 'limit=1001'],
    ['limit', 'limit=ten'],
    ['endpoint_id', 'endpoint_id=abc'],
    ['outcome', 'outcome=bogus'],
    ['since', 'since=last-week'],
    ['until', 'since=2026-03-02&until=2026-03-01'],
    ['transaction_id', `transaction_id=${'x'.repeat(129)}`],
    ['transaction_id', 'transaction_id=a&transaction_id=b'],
  ])('refuses a bad %s with a 400 that names it (%s)', async (field, query) => {
    const res = await get(`/admin/postbacks?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('refuses an unknown filter instead of ignoring it', async () => {
    const res = await get('/admin/postbacks?transactionId=abc');
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toContain('transactionId');
  });
});

describe('postbacks list in the CLI', () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...t.env },
      });
      return { code: 0, json: JSON.parse(stdout) as Page, stderr: '' };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, json: undefined, stderr: e.stderr };
    }
  };

  it('prints a filtered page as JSON with next_cursor, and the next page from --cursor', async () => {
    await t.prisma.postbackLog.deleteMany();
    const rows = await givenLoggedPostbacks(
      t.prisma,
      Array.from({ length: 5 }, (_, i) => ({ at: i, endpointId: 3, transactionId: 'cli-tx', outcome: 'not_found' as Outcome })),
    );
    await givenLoggedPostbacks(t.prisma, [{ at: 9, endpointId: 4, transactionId: 'cli-tx', outcome: 'not_found' }]);
    const filters = ['--transaction-id', 'cli-tx', '--endpoint', '3', '--outcome', 'not_found',
      '--since', new Date(BASE).toISOString(), '--until', new Date(BASE + 60 * 60_000).toISOString(), '--limit', '3'];
    const first = await cli('postbacks', 'list', ...filters);
    expect(first.code).toBe(0);
    expect(first.json!.next_cursor).toEqual(expect.any(String));
    const second = await cli('postbacks', 'list', ...filters, '--cursor', first.json!.next_cursor!);
    expect(second.json!.next_cursor).toBeNull();
    expect([...first.json!.postbacks, ...second.json!.postbacks].map((p) => p.postback_id)).toEqual(
      newestFirst(rows).map((r) => r.postbackId),
    );
  });

  it('exits 2 naming the bad option value', async () => {
    const bad = await cli('postbacks', 'list', '--outcome', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('outcome');
  });
});
