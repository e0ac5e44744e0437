import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { ReadReplicaConflictError } from '../apps/admin/src/adminErrors.js';
import { OwnPostgres } from './faults/helpers/ownServers.js';
import { capturedLogger } from './helpers/capturedLogger.js';
import { givenAdvertiser, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, serveAdminApi, type AdminHandle } from './helpers/pipeline.js';
import { fetchExposition, parseExposition } from './helpers/scrapeMetrics.js';
import { createTestEnvironment, eventually, withDatabase, type TestEnvironment } from './helpers/testEnvironment.js';

// A real streaming replica: a Postgres 15 cluster of the test's own as the primary, a pg_basebackup -R of it as the
// hot standby, and the admin with DATABASE_URL on the first and DATABASE_READ_URL on the second. Pausing the
// standby's replay (pg_wal_replay_pause) makes replication lag on demand: what the replica serves then misses a
// write the primary has, which is how a test can tell which server answered.

const TOKEN = 'test-admin-token-read-replica';
const log = capturedLogger();
let primary: OwnPostgres | undefined;
let replica: OwnPostgres | undefined;
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;
let closeApi: (() => Promise<void>) | undefined;
let replicaDatabaseUrl: string;

beforeAll(async () => {
  primary = await OwnPostgres.create();
  t = await createTestEnvironment('read_replica', {}, { databaseServerUrl: primary.serverUrl });
  replica = await OwnPostgres.replicaOf(primary);
  replicaDatabaseUrl = withDatabase(replica.serverUrl, new URL(t.databaseUrl).pathname.slice(1));
  admin = connectAdminDeps(loadConfig({ ...t.env, DATABASE_READ_URL: replicaDatabaseUrl }), log.logger);
  const served = await serveAdminApi(admin, TOKEN, { logger: log.logger });
  api = served.baseUrl;
  closeApi = served.close;
});

// Both clusters go, whatever failed before (and OwnPostgres kills them on exit as the last resort).
afterAll(async () => {
  try {
    await closeApi?.();
    await admin?.close();
    await t?.teardown();
  } finally {
    await replica?.remove();
    await primary?.remove();
  }
});

async function get(path: string, base = api) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function onReplica<Row>(sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: replicaDatabaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Replication lag on demand: the standby keeps receiving WAL but applies none of it until resumeReplay(). */
async function pauseReplay(): Promise<void> {
  await onReplica('SELECT pg_wal_replay_pause()');
  await eventually(
    async () => (await onReplica<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state'))[0]?.state === 'paused',
    20_000,
    'replay to pause',
  );
}

const resumeReplay = () => onReplica('SELECT pg_wal_replay_resume()');

/** A postback_log row as the worker writes it, on the primary. */
async function givenLoggedPostback(endpointId: number, transactionId: string, receivedAt: Date) {
  const row = { postbackId: randomUUID(), endpointId, transactionId, reason: 'bot_traffic', seq: 1, outcome: 'rejected' as const, attempts: 1, receivedAt };
  await t.prisma.postbackLog.create({ data: row });
  return row;
}

const searched = async (transactionId: string, base = api) => {
  const res = await get(`/admin/postbacks?transaction_id=${transactionId}`, base);
  expect(res.status).toBe(200);
  return (res.body.postbacks as Array<{ postback_id: string }>).map((p) => p.postback_id);
};

/** The postback ids of the CSV export for a transaction (its own connection to DATABASE_READ_URL). */
const exported = async (transactionId: string) => {
  const res = await fetch(`${api}/admin/postbacks.csv?transaction_id=${transactionId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.text()).trim().split('\n').slice(1).map((line) => line.split(',')[0]);
};

const auditedImports = async () => {
  const res = await get('/admin/audit?action=conversions.import');
  expect(res.status).toBe(200);
  return (res.body.audit as unknown[]).length;
};

async function replicaMetrics() {
  return parseExposition(await fetchExposition(`${api}/metrics`, TOKEN)).filter((s) => s.name.startsWith('postback_admin_read_replica_'));
}

describe('reads off the primary (DATABASE_READ_URL)', () => {
  it('serves the log search, the audit search and last_used_at from the replica, single lookups from the primary', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const offer = await givenOffer(t.prisma, advertiser.id);
    const url = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const before = await givenLoggedPostback(url.id, 'tx-before-pause', new Date(Date.now() - 60_000));
    await eventually(async () => (await searched('tx-before-pause')).length === 1, 20_000, 'the replica to replay the first row');
    const importsBefore = await auditedImports();

    await pauseReplay();
    try {
      const fresh = await givenLoggedPostback(url.id, 'tx-while-paused', new Date());
      const imported = await post('/admin/conversions', { conversions: [{ transaction_id: 'tx-while-paused', offer_id: offer.id, status: 'approved' }] });
      expect(imported).toMatchObject({ status: 201, body: { imported: 1 } });

      // The replica has not applied them: the searches do not see them…
      expect(await searched('tx-while-paused')).toEqual([]);
      expect(await exported('tx-while-paused')).toEqual([]);
      expect(await auditedImports()).toBe(importsBefore);
      const urls = await get(`/admin/rejection-endpoints?advertiser_id=${advertiser.id}`);
      expect(urls.body.rejection_endpoints).toEqual([
        expect.objectContaining({ id: url.id, last_used_at: before.receivedAt.toISOString() }),
      ]);
      // …while the lookups an operator makes right after a 202 or an import answer from the primary.
      expect(await get(`/admin/postbacks/${fresh.postbackId}`)).toMatchObject({ status: 200, body: { outcome: 'rejected' } });
      expect(await get('/admin/conversions/tx-while-paused')).toMatchObject({ status: 200, body: { status: 'approved' } });

      // The standby has received the write but not replayed it: it is behind, and says so.
      const lagging = await eventually(async () => {
        const ready = await get('/readyz');
        return typeof ready.body.read_replica_lag_seconds === 'number' && ready.body.read_replica_lag_seconds > 0 && ready;
      }, 20_000, 'the replica to report lag');
      expect(lagging).toMatchObject({ status: 200, body: { status: 'ready', postgres: 'up', read_replica: 'up' } });
      const metrics = await replicaMetrics();
      expect(metrics.find((s) => s.name === 'postback_admin_read_replica_up')?.value).toBe(1);
      expect(metrics.find((s) => s.name === 'postback_admin_read_replica_lag_seconds')?.value).toBeGreaterThan(0);

      await resumeReplay();
      await eventually(async () => (await searched('tx-while-paused')).length === 1, 20_000, 'the replica to catch up');
      expect(await searched('tx-while-paused')).toEqual([fresh.postbackId]);
      expect(await exported('tx-while-paused')).toEqual([fresh.postbackId]);
      expect(await auditedImports()).toBe(importsBefore + 1);
      await eventually(async () => (await get('/readyz')).body.read_replica_lag_seconds === 0, 20_000, 'the lag to return to 0');
    } finally {
      await resumeReplay();
    }
  });

  it('reads everything from the primary when DATABASE_READ_URL is unset', async () => {
    const deps = connectAdminDeps(t.cfg);
    const served = await serveAdminApi(deps, TOKEN);
    await pauseReplay();
    try {
      const row = await givenLoggedPostback(1, 'tx-primary-only', new Date());
      expect(await searched('tx-primary-only', served.baseUrl)).toEqual([row.postbackId]);
      expect(await get('/readyz', served.baseUrl)).toMatchObject({ status: 200, body: { status: 'ready', postgres: 'up', read_replica: 'not configured' } });
      // The replica-configured admin, for contrast, does not have it yet.
      expect(await searched('tx-primary-only')).toEqual([]);
    } finally {
      await resumeReplay();
      await served.close();
      await deps.close();
    }
  });

  it('turns a read the replica cancels for a recovery conflict into a ReadReplicaConflictError (503), not a 500', async () => {
    const rows = await Promise.all([1, 2, 3].map(() => givenLoggedPostback(1, 'tx-conflict', new Date())));
    await eventually(async () => (await searched('tx-conflict')).length === rows.length, 20_000, 'the replica to replay the rows');
    // Cancel at once whatever holds replay back (default: after 30 s).
    await onReplica('ALTER SYSTEM SET max_standby_streaming_delay = 0');
    await onReplica('SELECT pg_reload_conf()');
    try {
      // A read whose snapshot still sees the rows…
      const read = admin.reads.run((replica) => replica.$queryRaw`SELECT count(*) FROM postback_log, pg_sleep(30)`).then(
        () => 'finished',
        (err: unknown) => err,
      );
      await eventually(
        async () => (await onReplica(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`)).length === 1,
        20_000,
        'the read to run on the replica',
      );
      // …while the primary deletes them and vacuums them away: replaying that removal conflicts with the read.
      await t.prisma.postbackLog.deleteMany({ where: { transactionId: 'tx-conflict' } });
      await t.prisma.$executeRawUnsafe('VACUUM postback_log');
      const outcome = await read;
      expect(outcome).toBeInstanceOf(ReadReplicaConflictError);
      expect((outcome as Error).message).toBe('read replica cancelled the read to replay changes from the primary: retry');
    } finally {
      await onReplica('ALTER SYSTEM RESET max_standby_streaming_delay');
      await onReplica('SELECT pg_reload_conf()');
    }
  });

  it('answers 503 for what the replica serves while it is down, stays ready, and serves the rest from the primary', async () => {
    const row = await givenLoggedPostback(1, 'tx-replica-down', new Date());
    await eventually(async () => (await searched('tx-replica-down')).length === 1, 20_000, 'the replica to replay the row');
    replica!.stop();
    try {
      const paths = ['/admin/postbacks?transaction_id=tx-replica-down', '/admin/postbacks.csv?transaction_id=tx-replica-down', '/admin/audit', '/admin/rejection-endpoints'];
      for (const path of paths) {
        expect(await get(path), path).toMatchObject({
          status: 503,
          retryAfter: expect.any(String),
          body: { error: 'read replica unreachable (DATABASE_READ_URL)' },
        });
      }
      expect(log.lines()).toContainEqual(expect.objectContaining({ level: 40, msg: 'read replica unreachable (DATABASE_READ_URL)' }));
      expect(await get(`/admin/postbacks/${row.postbackId}`)).toMatchObject({ status: 200, body: { outcome: 'rejected' } });
      expect(await get('/admin/advertisers')).toMatchObject({ status: 200 });
      expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready', postgres: 'up', read_replica: 'unreachable' } });
      const metrics = await replicaMetrics();
      expect(metrics.find((s) => s.name === 'postback_admin_read_replica_up')?.value).toBe(0);
      expect(metrics.find((s) => s.name === 'postback_admin_read_replica_lag_seconds')?.value).toBeNaN();
    } finally {
      await replica!.start();
    }
    // Back without a restart of the admin: the pool opens new connections.
    expect(await searched('tx-replica-down')).toEqual([row.postbackId]);
  });

  it('is not ready while the primary is down, and the replica still serves the log search', async () => {
    primary!.stop();
    try {
      expect(await get('/readyz')).toMatchObject({ status: 503, body: { status: 'not ready', postgres: 'unreachable', read_replica: 'up' } });
      expect((await searched('tx-replica-down')).length).toBe(1);
    } finally {
      // The teardown drops the test's database on it.
      await primary!.start();
    }
  });
});
