import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEndpointKey, syncKeyRegistry, type ActiveEndpoint } from '@postback/core';
import { createRejectionEndpoint, revokeRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { givenAdvertiser, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let db: pg.Client;
let redis: Redis;

beforeAll(async () => {
  t = await createTestEnvironment('key_registry');
  admin = connectAdminDeps(t.cfg);
  // The admin's Redis connection is fail-fast: the tests below use the registry directly, so wait for it once.
  await admin.withRedis(async () => undefined);
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  redis = new Redis(t.cfg.REDIS_URL!);
});

afterAll(async () => {
  redis.disconnect();
  await db.end();
  await admin.close();
  await t.teardown();
});

function someEndpoint(endpointId: number): ActiveEndpoint {
  return { endpointId, keyHash: hashEndpointKey(randomBytes(32).toString('base64url')), scope: { kind: 'global', advertiserId: 1, offerId: null } };
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

  it("keeps a rotated key's expiry that a sync from an older snapshot does not know of", async () => {
    const old = someEndpoint(4);
    const replacement = someEndpoint(5);
    await admin.registry.register(old);
    const expiresAt = Date.now() + 60_000;
    await admin.registry.rotate(replacement, { keyHash: old.keyHash, expiresAt });
    // A snapshot read before the rotation: the old key without its expiry.
    await admin.registry.syncFrom([old], []);
    expect(await admin.registry.lookup(old.keyHash)).toEqual({ endpointId: 4, scope: old.scope, expiresAt });
    expect(await admin.registry.lookup(replacement.keyHash)).toEqual({ endpointId: 5, scope: replacement.scope });
  });

  it('brings a rotated key its expiry from Postgres, and clears one Postgres does not hold', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const rotated = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const replacement = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const expiresAt = new Date(Date.now() + 60_000);
    await t.prisma.rejectionEndpoint.update({ where: { id: rotated.id }, data: { expiresAt, replacedById: replacement.id } });
    // An expiry written by a rotation that was then undone in Postgres (Redis failed it after the write).
    const undone = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    await redis.hset(`${t.cfg.QUEUE_PREFIX}:key-expiries`, hashEndpointKey(undone.key), String(Date.now()));

    await syncKeyRegistry(t.prisma, admin.registry);
    expect(await admin.registry.lookup(hashEndpointKey(rotated.key))).toMatchObject({ endpointId: rotated.id, expiresAt: expiresAt.getTime() });
    expect(await admin.registry.lookup(hashEndpointKey(undone.key))).toEqual({ endpointId: undone.id, scope: expect.any(Object) });
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

describe("a rejection URL's scope never widens", () => {
  const registryHash = () => `${t.cfg.QUEUE_PREFIX}:endpoint-keys`;

  async function givenOfferLevelUrl() {
    const offer = await givenOffer(t.prisma);
    const url = await givenRejectionUrl(admin, { offerId: offer.id });
    return { offer, url, keyHash: hashEndpointKey(url.key) };
  }

  it('refuses to delete an offer while a rejection URL names it, and the registry keeps the key offer-level', async () => {
    const { offer, url, keyHash } = await givenOfferLevelUrl();
    await expect(db.query('DELETE FROM offers WHERE id = $1', [offer.id])).rejects.toMatchObject({ code: '23503' });
    await syncKeyRegistry(t.prisma, admin.registry);
    expect(await admin.registry.lookup(keyHash)).toEqual({ endpointId: url.id, scope: { kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id } });
  });

  it('refuses to delete the offer of a revoked URL as well: the row records what was shared', async () => {
    const { offer, url } = await givenOfferLevelUrl();
    await revokeRejectionEndpoint(admin, url.id);
    await expect(db.query('DELETE FROM offers WHERE id = $1', [offer.id])).rejects.toMatchObject({ code: '23503' });
  });

  it('refuses an offer-level row without its offer, and a global row with one', async () => {
    const { url } = await givenOfferLevelUrl();
    await expect(db.query('UPDATE rejection_endpoints SET offer_id = NULL WHERE id = $1', [url.id])).rejects.toMatchObject({ code: '23514' });
    await expect(db.query("UPDATE rejection_endpoints SET scope = 'global' WHERE id = $1", [url.id])).rejects.toMatchObject({ code: '23514' });
  });

  it('never registers an offer-level key as global, even from a row that lost its offer with the constraints off', async () => {
    const { offer, url, keyHash } = await givenOfferLevelUrl();
    expect(await admin.registry.lookup(keyHash)).toMatchObject({ scope: { kind: 'offer' } });
    // The row as the old ON DELETE SET NULL left it, which the CHECK now forbids: switched off for this one row.
    await db.query('ALTER TABLE rejection_endpoints DROP CONSTRAINT rejection_endpoints_scope_offer_check');
    try {
      await db.query('UPDATE rejection_endpoints SET offer_id = NULL WHERE id = $1', [url.id]);
      await syncKeyRegistry(t.prisma, admin.registry);
      expect(await admin.registry.lookup(keyHash)).toBeNull();
      expect(await redis.hget(registryHash(), keyHash)).toBeNull();
    } finally {
      await db.query('UPDATE rejection_endpoints SET offer_id = $2 WHERE id = $1', [url.id, offer.id]);
      await db.query(`ALTER TABLE rejection_endpoints ADD CONSTRAINT rejection_endpoints_scope_offer_check
        CHECK ((scope = 'offer') = (offer_id IS NOT NULL))`);
    }
  });

  it('reads an entry that names an offer-level scope without its offer as no key at all', async () => {
    const e = someEndpoint(4);
    await redis.hset(registryHash(), e.keyHash, JSON.stringify([4, 1, null, 'offer']));
    expect(await admin.registry.lookup(e.keyHash)).toBeNull();
  });

  it('still reads the entries an earlier release wrote, [endpointId, advertiserId, offerId]', async () => {
    const [globalKey, offerKey] = [someEndpoint(5), someEndpoint(6)];
    await redis.hset(registryHash(), globalKey.keyHash, JSON.stringify([5, 1, null]), offerKey.keyHash, JSON.stringify([6, 1, 60]));
    expect(await admin.registry.lookup(globalKey.keyHash)).toEqual({ endpointId: 5, scope: { kind: 'global', advertiserId: 1, offerId: null } });
    expect(await admin.registry.lookup(offerKey.keyHash)).toEqual({ endpointId: 6, scope: { kind: 'offer', advertiserId: 1, offerId: 60 } });
  });
});
