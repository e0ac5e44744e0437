import type { PrismaClient } from './db.js';
import type { KeyRegistry } from './keyRegistry.js';

/** Rebuilds the receivers' key registry in Redis from the endpoints in Postgres. Returns how many are active. */
export async function syncKeyRegistry(prisma: PrismaClient, registry: KeyRegistry): Promise<number> {
  const endpoints = await prisma.rejectionEndpoint.findMany({
    select: { id: true, advertiserId: true, offerId: true, keyHash: true, revokedAt: true },
  });
  const active = endpoints
    .filter((e) => e.revokedAt === null)
    .map((e) => ({ endpointId: e.id, keyHash: e.keyHash, scope: { advertiserId: e.advertiserId, offerId: e.offerId } }));
  const revoked = endpoints.filter((e) => e.revokedAt !== null).map((e) => e.keyHash);
  await registry.syncFrom(active, revoked);
  return active.length;
}
