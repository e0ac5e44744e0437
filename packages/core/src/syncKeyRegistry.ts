import type { PrismaClient } from './db.js';
import { scopeOf } from './endpointScope.js';
import type { ActiveEndpoint, KeyRegistry } from './keyRegistry.js';

/** Rebuilds the receivers' key registry in Redis from the endpoints in Postgres. Returns how many are active. */
export async function syncKeyRegistry(prisma: PrismaClient, registry: KeyRegistry): Promise<number> {
  const endpoints = await prisma.rejectionEndpoint.findMany({
    select: { id: true, advertiserId: true, scope: true, offerId: true, keyHash: true, revokedAt: true, expiresAt: true },
  });
  const active: ActiveEndpoint[] = [];
  // A row without a valid scope (an offer-level URL whose offer is missing) is never registered, least of all as
  // global. The database's CHECK and RESTRICT forbid such a row; this holds even if they were bypassed.
  const unusable: string[] = [];
  for (const e of endpoints) {
    if (e.revokedAt !== null) continue;
    const scope = scopeOf(e.scope, e.advertiserId, e.offerId);
    if (scope === null) unusable.push(e.keyHash);
    else active.push({ endpointId: e.id, keyHash: e.keyHash, scope, ...(e.expiresAt ? { expiresAt: e.expiresAt.getTime() } : {}) });
  }
  const revoked = endpoints.filter((e) => e.revokedAt !== null).map((e) => e.keyHash);
  await registry.syncFrom(active, revoked);
  await registry.forget(unusable);
  await forgetGoneEndpoints(prisma, registry, new Set(endpoints.map((e) => e.keyHash)));
  await clearUnheldExpiries(prisma, registry, new Set(active.filter((e) => e.expiresAt !== undefined).map((e) => e.keyHash)));
  return active.length;
}

/**
 * An expiry in Redis that the snapshot above lacks may be a rotation committed since it was read, so Postgres is
 * asked again about those keys alone, and only expiries it does not hold (a rotation undone after Redis failed it)
 * are dropped.
 */
async function clearUnheldExpiries(prisma: PrismaClient, registry: KeyRegistry, expiring: ReadonlySet<string>): Promise<void> {
  const unknown = await registry.expiringOutside(expiring);
  for (let i = 0; i < unknown.length; i += 1000) {
    const chunk = unknown.slice(i, i + 1000);
    const rows = await prisma.rejectionEndpoint.findMany({
      where: { keyHash: { in: chunk }, expiresAt: { not: null }, revokedAt: null },
      select: { keyHash: true },
    });
    const held = new Set(rows.map((r) => r.keyHash));
    await registry.clearExpiries(chunk.filter((h) => !held.has(h)));
  }
}

/**
 * A registered key the snapshot above lacks may belong to an endpoint created since it was read (the admin
 * registers a key only after its row is committed), so Postgres is asked again about those keys alone, and only
 * the ones whose row is gone are dropped.
 */
async function forgetGoneEndpoints(prisma: PrismaClient, registry: KeyRegistry, known: ReadonlySet<string>): Promise<void> {
  const unknown = await registry.hashesOutside(known);
  for (let i = 0; i < unknown.length; i += 1000) {
    const chunk = unknown.slice(i, i + 1000);
    const rows = await prisma.rejectionEndpoint.findMany({ where: { keyHash: { in: chunk } }, select: { keyHash: true } });
    const present = new Set(rows.map((r) => r.keyHash));
    await registry.forget(chunk.filter((h) => !present.has(h)));
  }
}
