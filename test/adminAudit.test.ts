import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerRedis, ShardLayouts } from '@postback/core';
import { asClient } from '../apps/admin/src/auditedActions.js';
import { createDlqReplays, type DlqReplays } from '../apps/admin/src/services/dlqReplays.js';
import { SESSION_COOKIE } from '../apps/admin/src/dashboard/adminSession.js';
import { capturedLogger } from './helpers/capturedLogger.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import { connectAdminDeps, onlyShard, serveAdminApi, silent, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-audit-token-0123456789abcdef';
const FINGERPRINT = `token:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 12)}`;
let t: TestEnvironment;
let admin: AdminHandle;
let replays: DlqReplays;
let api: string;
let closeApi: () => Promise<void>;
const log = capturedLogger();

beforeAll(async () => {
  t = await createTestEnvironment('admin_audit', { DLQ_REPLAY_RATE_PER_SECOND: '10000' });
  admin = connectAdminDeps(t.cfg);
  replays = createDlqReplays(admin, silent());
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { replays, logger: log.logger }));
});

afterAll(async () => {
  await replays?.close();
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
});

/** An HTTP header carrying UTF-8, as a client sends it: fetch wants one char per byte. */
const headerValue = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

interface AuditRow {
  id: string;
  at: string;
  operator: string;
  source: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  outcome: string;
}

async function auditOf(query = ''): Promise<AuditRow[]> {
  const { status, body } = await call('GET', `/admin/audit${query}`);
  expect(status).toBe(200);
  return body.audit as AuditRow[];
}

/** The rows written since `since` (an audit row id), oldest first. */
async function rowsAfter(since: bigint): Promise<AuditRow[]> {
  return (await auditOf('?limit=1000')).filter((r) => BigInt(r.id) > since).reverse();
}

async function lastAuditId(): Promise<bigint> {
  const [last] = await auditOf('?limit=1');
  return last ? BigInt(last.id) : 0n;
}

describe('the audit trail of admin actions', () => {
  it('records every state-changing API route with the operator from X-Operator, never a key or the token', async () => {
    const since = await lastAuditId();
    const as = { authorization: `Bearer ${TOKEN}`, 'x-operator': headerValue('Zoë Admin') };
    const advertiser = (await call('POST', '/admin/advertisers', { name: 'Audited Co' }, as)).body;
    const offer = (await call('POST', '/admin/offers', { advertiser_id: advertiser.id, name: 'Audited offer' }, as)).body;
    const url = (await call('POST', '/admin/rejection-endpoints', { advertiser_id: advertiser.id }, as)).body;
    expect(url.key).toEqual(expect.any(String));
    expect((await call('DELETE', `/admin/rejection-endpoints/${url.id}`, undefined, as)).status).toBe(200);
    const conversions = [{ transaction_id: 'audit-tx-1', offer_id: offer.id, status: 'approved' }, { transaction_id: 'audit-tx-2', offer_id: offer.id, status: 'pending' }];
    expect((await call('POST', '/admin/conversions', { conversions }, as)).body).toEqual({ imported: 2 });

    const [toReplay, toDelete] = [await givenDeadLetter(onlyShard(admin).deadLetters), await givenDeadLetter(onlyShard(admin).deadLetters)];
    const byIds = await call('POST', '/admin/dlq/replay', { ids: [toReplay, 'gone'] }, as);
    expect(byIds.status).toBe(200);
    expect((await call('DELETE', `/admin/dlq/${toDelete}`, undefined, as)).status).toBe(200);
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' });
    // A dry run and an unconfirmed purge change nothing and leave no row.
    expect((await call('POST', '/admin/dlq/replays', { filter: {}, dry_run: true }, as)).status).toBe(200);
    expect((await call('POST', '/admin/dlq/purge', { filter: {} }, as)).status).toBe(400);
    const replay = (await call('POST', '/admin/dlq/replays', { filter: { error_kind: ['23514'] } }, as)).body;
    await replays.settled(String(replay.id));
    await Promise.all(Array.from({ length: 5 }, () => givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'P0001' })));
    const slow = (await call('POST', '/admin/dlq/replays', { filter: { error_kind: ['P0001'] }, rate_per_second: 1 }, as)).body;
    expect((await call('POST', `/admin/dlq/replays/${slow.id}/cancel`, undefined, as)).status).toBe(200);
    await replays.settled(String(slow.id));
    await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: 'unreadable', unreadable: true });
    expect((await call('POST', '/admin/dlq/purge', { filter: { error_kind: 'unreadable' }, confirm: true }, as)).body).toEqual({ purged: 1 });
    // A layout of 2 shards that a process announced and left: empty, held by nobody, so it can be forgotten.
    const redis = createWorkerRedis(t.cfg);
    try {
      const layout = new ShardLayouts(redis, t.cfg.QUEUE_PREFIX, 2, 'receiver');
      await layout.announce();
      expect((await call('DELETE', '/admin/shard-layouts/2', undefined, as)).status).toBe(409);
      await layout.leave();
    } finally {
      redis.disconnect();
    }
    expect((await call('DELETE', '/admin/shard-layouts/2', undefined, as)).status).toBe(200);

    const rows = await rowsAfter(since);
    expect(rows.map((r) => [r.action, r.target])).toEqual([
      ['advertiser.create', String(advertiser.id)],
      ['offer.create', String(offer.id)],
      ['rejection_url.create', String(url.id)],
      ['rejection_url.revoke', String(url.id)],
      ['conversions.import', null],
      ['dlq.replay', byIds.body.replay_id],
      ['dlq.delete', toDelete],
      ['dlq.replay', replay.id],
      ['dlq.replay', slow.id],
      ['dlq.replay_cancel', slow.id],
      ['dlq.purge', null],
      ['shard_layout.forget', '2'],
    ]);
    for (const row of rows) expect(row).toMatchObject({ operator: 'Zoë Admin', source: '127.0.0.1', outcome: 'ok' });
    expect(rows[1]!.details).toEqual({ advertiser_id: advertiser.id, name: 'Audited offer' });
    expect(rows[2]!.details).toEqual({ scope: 'global', advertiser_id: advertiser.id, offer_id: null });
    expect(rows[4]!.details).toEqual({ submitted: 2, imported: 2 });
    expect(rows[5]!.details).toMatchObject({ replayed: 1, ids: [toReplay], missing: ['gone'] });
    // The replay by ids is recorded as a replay too, under the same operator.
    expect((await call('GET', `/admin/dlq/replays/${String(byIds.body.replay_id)}`)).body).toMatchObject({ operator: 'Zoë Admin', replayed: 1 });
    expect(rows[7]!.details).toMatchObject({ filter: { error_kind: ['23514'] }, status: 'running' });
    expect(rows[10]!.details).toEqual({ filter: { error_kind: ['unreadable'] }, purged: 1 });
    const stem = t.cfg.QUEUE_PREFIX.slice(0, -1);
    expect(rows[11]!.details).toEqual({ shards_no_longer_consumed: [`${stem}-0}`, `${stem}-1}`] });
    // The replay's own record names the request's operator too.
    expect((await call('GET', `/admin/dlq/replays/${replay.id}`)).body).toMatchObject({ operator: 'Zoë Admin' });
    const all = JSON.stringify(rows);
    for (const secret of [String(url.key), TOKEN]) expect(all).not.toContain(secret);
  });

  it('records the token fingerprint when the caller gives no name', async () => {
    const since = await lastAuditId();
    const advertiser = (await call('POST', '/admin/advertisers', { name: 'Nameless' })).body;
    expect(await rowsAfter(since)).toEqual([
      expect.objectContaining({ action: 'advertiser.create', target: String(advertiser.id), operator: FINGERPRINT, details: { name: 'Nameless' } }),
    ]);
  });

  it('records the name given at login for the session, its login and its logout', async () => {
    const since = await lastAuditId();
    const login = await fetch(`${api}/admin/login`, {
      method: 'POST',
      body: new URLSearchParams({ operator: '  frank  ', token: TOKEN, next: '/admin/console' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    const advertiser = (await call('POST', '/admin/advertisers', { name: 'By session' }, { cookie })).body;
    expect((await fetch(`${api}/admin/logout`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
    // Logging out with a copy of the ended cookie ends nothing and records nothing.
    expect((await fetch(`${api}/admin/logout`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
    expect((await rowsAfter(since)).map((r) => [r.action, r.operator, r.target])).toEqual([
      ['login', 'frank', null],
      ['advertiser.create', 'frank', String(advertiser.id)],
      ['logout', 'frank', null],
    ]);
  });

  it('refuses a login without a name, and an X-Operator that is too long, empty or has control characters', async () => {
    const since = await lastAuditId();
    const nameless = await fetch(`${api}/admin/login`, { method: 'POST', body: new URLSearchParams({ operator: ' ', token: TOKEN }), redirect: 'manual' });
    expect(nameless.status).toBe(400);
    expect(nameless.headers.get('set-cookie')).toBeNull();
    for (const name of ['x'.repeat(101), '', 'tab\there', headerValue('bad\u0085byte')]) {
      const res = await call('POST', '/admin/advertisers', { name: 'Refused' }, { authorization: `Bearer ${TOKEN}`, 'x-operator': name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body).toMatchObject({ field: 'X-Operator' });
    }
    expect((await call('POST', '/admin/advertisers', { name: 'x'.repeat(100) }, { authorization: `Bearer ${TOKEN}`, 'x-operator': 'y'.repeat(100) })).status).toBe(201);
    expect(await t.prisma.advertiser.count({ where: { name: 'Refused' } })).toBe(0);
    expect((await rowsAfter(since)).map((r) => r.operator)).toEqual(['y'.repeat(100)]);
  });

  it('writes a change to Postgres and its audit row in one transaction: no row, no change', async () => {
    await t.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$`);
    await t.prisma.$executeRawUnsafe('CREATE TRIGGER refuse_audit BEFORE INSERT ON admin_audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()');
    try {
      const before = await t.prisma.advertiser.count();
      expect((await call('POST', '/admin/advertisers', { name: 'Never' })).status).toBe(500);
      expect(await t.prisma.advertiser.count()).toBe(before);
      // A dead-letter action is done in Redis first: it stands, and its record goes to the log instead.
      const dead = await givenDeadLetter(onlyShard(admin).deadLetters);
      expect((await call('DELETE', `/admin/dlq/${dead}`)).body).toEqual({ deleted: dead });
      expect(await onlyShard(admin).deadLetters.getJob(dead)).toBeUndefined();
      const unwritten = await eventually(async () => log.lines().find((l) => l.msg === 'audit record not written' && (l.audit as AuditRow).action === 'dlq.delete'));
      expect(unwritten.audit).toMatchObject({ operator: FINGERPRINT, action: 'dlq.delete', target: dead });
    } finally {
      await t.prisma.$executeRawUnsafe('DROP TRIGGER refuse_audit ON admin_audit');
      await t.prisma.$executeRawUnsafe('DROP FUNCTION refuse_audit()');
    }
  });

  it('rolls back what a service wrote in a transaction of its own, opened inside the audited one, with it', async () => {
    const before = await t.prisma.advertiser.count();
    const outcome = t.prisma.$transaction(async (tx) => {
      await asClient(tx).$transaction(async (inner) => inner.advertiser.create({ data: { name: 'Joined' } }));
      throw new Error('the audit row failed');
    });
    await expect(outcome).rejects.toThrow('the audit row failed');
    expect(await t.prisma.advertiser.count()).toBe(before);
  });

  it('records a failed row when an action broke after it may have changed something', async () => {
    const since = await lastAuditId();
    // Rejected with a plain error from inside the transaction: the advertiser name refused by a constraint.
    await t.prisma.$executeRawUnsafe(`ALTER TABLE advertisers ADD CONSTRAINT no_boom CHECK (name <> 'boom')`);
    try {
      expect((await call('POST', '/admin/advertisers', { name: 'boom' })).status).toBe(500);
    } finally {
      await t.prisma.$executeRawUnsafe('ALTER TABLE advertisers DROP CONSTRAINT no_boom');
    }
    // Bad input and unknown ids change nothing and leave no row.
    expect((await call('POST', '/admin/advertisers', {})).status).toBe(400);
    expect((await call('DELETE', '/admin/rejection-endpoints/999999')).status).toBe(404);
    expect(await rowsAfter(since)).toEqual([
      expect.objectContaining({ action: 'advertiser.create', outcome: 'failed', operator: FINGERPRINT, details: { error: expect.stringContaining('no_boom') } }),
    ]);
  });
});

describe('GET /admin/audit', () => {
  it('filters by operator, action and time, newest first, and pages every row once', async () => {
    for (let i = 0; i < 7; i++) {
      await call('POST', '/admin/advertisers', { name: `paged ${i}` }, { authorization: `Bearer ${TOKEN}`, 'x-operator': 'pager' });
    }
    const seen: AuditRow[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await call('GET', `/admin/audit?operator=pager&action=advertiser.create&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(body.audit as AuditRow[]));
      cursor = body.next_cursor as string | null;
    } while (cursor);
    expect(seen.map((r) => r.details.name)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `paged ${i}`));
    const newest = seen[0]!.at;
    expect((await auditOf(`?operator=pager&until=${encodeURIComponent(newest)}`)).every((r) => r.at < newest)).toBe(true);
    expect((await auditOf(`?operator=pager&since=${encodeURIComponent(newest)}`)).map((r) => r.id)).toContain(seen[0]!.id);
    expect(await auditOf('?operator=nobody')).toEqual([]);
  });

  it('answers 400 naming the field for an unknown action, parameter or cursor', async () => {
    for (const [query, field] of [['action=advertiser.delete', 'action'], ['who=me', undefined], ['cursor=bm9wZQ', 'cursor'], ['limit=0', 'limit']] as const) {
      const { status, body } = await call('GET', `/admin/audit?${query}`);
      expect(status, query).toBe(400);
      if (field) expect(body.field).toBe(field);
    }
  });
});
