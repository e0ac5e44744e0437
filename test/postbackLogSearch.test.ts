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
  advertiserId: number | null;
  offerId: number | null;
  transactionId: string;
  outcome: Outcome;
  receivedAt: Date;
}

/**
 * postback_log rows as the worker writes them; `at` is minutes after BASE, or `receivedAt` itself; processed
 * `latencyMs` (default 250) later.
 */
async function givenLoggedPostbacks(
  prisma: PrismaClient,
  specs: Array<Partial<Row> & ({ at: number } | { receivedAt: Date }) & { latencyMs?: number; error?: string; source?: string }>,
): Promise<Row[]> {
  const rows = specs.map((s, i) => ({
    postbackId: s.postbackId ?? randomUUID(),
    endpointId: s.endpointId ?? 1,
    advertiserId: s.advertiserId === undefined ? 1 : s.advertiserId,
    offerId: s.offerId === undefined ? 10 : s.offerId,
    transactionId: s.transactionId ?? `tx-${i}`,
    outcome: s.outcome ?? ('rejected' as Outcome),
    receivedAt: 'receivedAt' in s && s.receivedAt ? s.receivedAt : new Date(BASE + (s as { at: number }).at * 60_000),
  }));
  await prisma.postbackLog.createMany({
    data: rows.map((r, i) => ({
      ...r,
      processedAt: new Date(r.receivedAt.getTime() + (specs[i]!.latencyMs ?? 250)),
      error: specs[i]!.error ?? null,
      source: specs[i]!.source ?? 'url',
      reason: 'bot_traffic',
      seq: 1,
      attempts: 1,
    })),
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

  it('filters by each of advertiser, offer, endpoint, outcome, transaction and time alone, and by all together', async () => {
    await t.prisma.postbackLog.deleteMany();
    const outcomes: Outcome[] = ['rejected', 'not_found', 'out_of_scope', 'superseded'];
    const rows = await givenLoggedPostbacks(
      t.prisma,
      Array.from({ length: 300 }, (_, i) => ({
        at: i % 20,
        advertiserId: i % 7 === 0 ? null : 1 + (i % 3),
        offerId: i % 11 === 0 ? null : 100 + (i % 5),
        endpointId: 1 + (i % 4),
        outcome: outcomes[i % 4],
        transactionId: `tx-${i % 6}`,
      })),
    );
    const since = new Date(BASE + 5 * 60_000);
    const until = new Date(BASE + 15 * 60_000);
    const later = new Date(BASE + 18 * 60_000);
    const filters: Array<[Record<string, string>, (r: Row) => boolean]> = [
      [{ advertiser_id: '2' }, (r) => r.advertiserId === 2],
      [{ offer_id: '103' }, (r) => r.offerId === 103],
      [{ endpoint_id: '3' }, (r) => r.endpointId === 3],
      [{ outcome: 'out_of_scope' }, (r) => r.outcome === 'out_of_scope'],
      [{ transaction_id: 'tx-5' }, (r) => r.transactionId === 'tx-5'],
      [{ since: since.toISOString() }, (r) => r.receivedAt >= since],
      [{ until: until.toISOString() }, (r) => r.receivedAt < until],
      [
        { advertiser_id: '2', offer_id: '102', endpoint_id: '2', outcome: 'not_found', since: since.toISOString(), until: later.toISOString() },
        (r) => r.advertiserId === 2 && r.offerId === 102 && r.endpointId === 2 && r.outcome === 'not_found' && r.receivedAt >= since && r.receivedAt < later,
      ],
    ];
    for (const [query, matches] of filters) {
      const expected = newestFirst(rows.filter(matches));
      expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(expected.length, JSON.stringify(query)).toBeLessThan(rows.length);
      const { seen } = await walk({ ...query, limit: '4' });
      expect(seen.map((p) => p.postback_id), JSON.stringify(query)).toEqual(expected.map((r) => r.postbackId));
    }
  });

  it('pages across the legacy, day and default partitions without a repeat or a gap', async () => {
    await t.prisma.postbackLog.deleteMany();
    const partitions = await t.prisma.$queryRaw<Array<{ name: string; bound: string }>>`
      SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'postback_log'::regclass`;
    const dayStarts = partitions
      .map((p) => /FROM \('([^']+)'\)/.exec(p.bound)?.[1])
      .filter((b): b is string => b !== undefined)
      .map((b) => new Date(b))
      .sort((a, b) => a.getTime() - b.getTime())
      .slice(0, 3);
    expect(dayStarts).toHaveLength(3);
    // Before the first day (the legacy partition), three days, and far past the last day made (the default one).
    const instants = [new Date(BASE), ...dayStarts, new Date(Date.UTC(2099, 0, 1))];
    const rows = await givenLoggedPostbacks(
      t.prisma,
      instants.flatMap((start) => Array.from({ length: 13 }, (_, i) => ({ receivedAt: new Date(start.getTime() + (i % 4) * 3_600_000), advertiserId: 1 + (i % 2) }))),
    );
    const where = await t.prisma.$queryRaw<Array<{ partition: string }>>`
      SELECT DISTINCT tableoid::regclass::text AS partition FROM postback_log`;
    expect(where.length).toBe(5);
    const queries: Array<Record<string, string>> = [{}, { advertiser_id: '2' }];
    for (const query of queries) {
      const { seen } = await walk({ ...query, limit: '5' });
      const expected = newestFirst('advertiser_id' in query ? rows.filter((r) => r.advertiserId === 2) : rows);
      expect(seen.map((p) => p.postback_id)).toEqual(expected.map((r) => r.postbackId));
    }
  });

  it('answers each row with its fields, 100 per page by default', async () => {
    await t.prisma.postbackLog.deleteMany();
    const [row] = await givenLoggedPostbacks(t.prisma, [
      { at: 0, endpointId: 7, advertiserId: 3, offerId: 31, transactionId: 'abc', outcome: 'unchanged', latencyMs: 1234, error: 'unchanged', source: 'url' },
    ]);
    await givenLoggedPostbacks(t.prisma, Array.from({ length: 120 }, () => ({ at: -1 })));
    const first = await get('/admin/postbacks');
    const page = first.body as unknown as Page;
    expect(page.postbacks).toHaveLength(100);
    expect(page.next_cursor).toEqual(expect.any(String));
    expect(page.postbacks[0]).toEqual({
      postback_id: row!.postbackId,
      received_at: row!.receivedAt.toISOString(),
      processed_at: new Date(row!.receivedAt.getTime() + 1234).toISOString(),
      latency_ms: 1234,
      transaction_id: 'abc',
      endpoint_id: 7,
      bulk_id: null,
      advertiser_id: 3,
      offer_id: 31,
      reason: 'bot_traffic',
      outcome: 'unchanged',
      attempts: 1,
      error: 'unchanged',
      source: 'url',
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
    ['advertiser_id', 'advertiser_id=0'],
    ['advertiser_id', 'advertiser_id=2147483648'],
    ['offer_id', 'offer_id=-1'],
    ['offer_id', 'offer_id=1.5'],
    ['bulk_id', 'bulk_id=not-a-uuid'],
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
