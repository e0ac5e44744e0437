import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEndpointKey, syncKeyRegistry, type ActiveEndpoint } from '@postback/core';
import { createRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { givenAdvertiser, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let db: pg.Client;

beforeAll(async () => {
  t = await createTestEnvironment('key_registry');
  admin = connectAdminDeps(t.cfg);
  // The admin's Redis connection is fail-fast: the tests below use the registry directly, so wait for it once.
  await admin.withRedis(async () => undefined);
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await admin.close();
  await t.teardown();
});

function someEndpoint(endpointId: number): ActiveEndpoint {
  return { endpointId, keyHash: hashEndpointKey(randomBytes(32).toString('base64url')), scope: { advertiserId: 1, offerId: null } };
}

describe('the key registry sync', () => {
  it('keeps a key registered after the snapshot it syncs from was read', async () => {
    const inSnapshot = someEndpoint(1);
    const registeredLater = someEndpoint(2);
    await admin.registry.register(registeredLater);
    await admin.registry.syncFrom([inSnapshot], []);
    expect(await admin.registry.lookup(registeredLater.keyHash)).toEqual({ endpointId: 2, scope: registeredLater.scope });
    expect(await admin.registry.lookup(inSnapshot.keyHash)).not.toBeNull();
  });

  it('drops revoked keys and never brings them back', async () => {
    const e = someEndpoint(3);
    await admin.registry.register(e);
    await admin.registry.syncFrom([], [e.keyHash]);
    expect(await admin.registry.lookup(e.keyHash)).toBeNull();
    await admin.registry.syncFrom([e], []);
    expect(await admin.registry.lookup(e.keyHash)).toBeNull();
  });

  it('drops a key whose endpoint row is gone and keeps every endpoint Postgres has', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const endpoint = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const orphan = someEndpoint(999_999);
    await admin.registry.register(orphan);
    await syncKeyRegistry(t.prisma, admin.registry);
    expect(await admin.registry.lookup(orphan.keyHash)).toBeNull();
    expect(await admin.registry.lookup(hashEndpointKey(endpoint.key))).toMatchObject({ endpointId: endpoint.id });
  });

  it('keeps a key whose endpoint is being committed while a sync reads Postgres', async () => {
    // A deferred trigger holds the creating transaction at COMMIT until this test lets go of an advisory lock:
    // the sync below runs exactly while the new row exists but is not yet visible.
    await db.query(`CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT ON rejection_endpoints
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold_commit()`);
    try {
      const advertiser = await givenAdvertiser(t.prisma);
      await db.query('SELECT pg_advisory_lock(4242)');
      const creating = createRejectionEndpoint(admin, { advertiser_id: advertiser.id });
      await eventually(async () => (await db.query(
        "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted",
      )).rowCount === 1, 10_000, 'the create to wait at COMMIT');
      await syncKeyRegistry(t.prisma, admin.registry);
      await db.query('SELECT pg_advisory_unlock(4242)');
      const endpoint = await creating;
      expect(await admin.registry.lookup(hashEndpointKey(endpoint.key))).toMatchObject({ endpointId: endpoint.id });
      await syncKeyRegistry(t.prisma, admin.registry);
      expect(await admin.registry.lookup(hashEndpointKey(endpoint.key))).toMatchObject({ endpointId: endpoint.id });
    } finally {
      await db.query('SELECT pg_advisory_unlock_all()');
      await db.query('DROP TRIGGER hold_commit ON rejection_endpoints; DROP FUNCTION hold_commit()');
    }
  });
});
