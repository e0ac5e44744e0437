import { z } from 'zod';
import { generateEndpointKey, globalScope, hashEndpointKey, offerScope, rejectionUrl, type Scope } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { int4Id as id } from './inputTypes.js';
import { parseInput } from './parseInput.js';

// One object, not a union of two: a bad id is then an error about that id, not "give exactly one".
export const createInput = z
  .object({ advertiser_id: id.optional(), offer_id: id.optional() })
  .refine((v) => (v.advertiser_id === undefined) !== (v.offer_id === undefined), {
    message: 'give exactly one of advertiser_id (global URL) or offer_id (offer-level URL)',
  });

/**
 * Creates a global (advertiser_id) or offer-level (offer_id) rejection URL. The key is returned once, here, and
 * only its hash is stored. The key is registered in Redis once its row is committed (a registry sync drops a
 * registered key whose row it cannot see), and shown only after that, so a key is never shown that receivers
 * would refuse.
 */
export async function createRejectionEndpoint(deps: AdminDeps, input: unknown) {
  const data = parseInput(createInput, input);
  const key = generateEndpointKey();
  const keyHash = hashEndpointKey(key);
  const { endpoint, scope } = await deps.prisma.$transaction(async (tx) => {
    let scope: Scope;
    if (data.offer_id !== undefined) {
      const offer = await tx.offer.findUnique({ where: { id: data.offer_id } });
      if (!offer) throw new NotFoundError(`offer ${data.offer_id} not found`);
      scope = offerScope(offer.advertiserId, offer.id);
    } else {
      const advertiser = await tx.advertiser.findUnique({ where: { id: data.advertiser_id! } });
      if (!advertiser) throw new NotFoundError(`advertiser ${data.advertiser_id} not found`);
      scope = globalScope(advertiser.id);
    }
    const created = await tx.rejectionEndpoint.create({
      data: { advertiserId: scope.advertiserId, scope: scope.kind, offerId: scope.offerId, keyHash },
    });
    return { endpoint: created, scope };
  });
  try {
    await deps.withRedis(() => deps.registry.register({ endpointId: endpoint.id, keyHash, scope }));
  } catch (err) {
    // Nobody has seen the key: drop its row rather than keep an endpoint no one can use.
    await deps.prisma.rejectionEndpoint.delete({ where: { id: endpoint.id } }).catch(() => undefined);
    throw err;
  }
  return {
    id: endpoint.id,
    scope: scope.kind,
    advertiser_id: endpoint.advertiserId,
    offer_id: endpoint.offerId,
    url: rejectionUrl(deps.cfg.PUBLIC_BASE_URL, key),
    key,
  };
}

/**
 * Revokes a rejection URL: receivers refuse its key within KEY_CACHE_TTL_MS (at most 5 s), and the workers apply
 * nothing of it that was received after this call (outcome revoked), whatever a receiver's cache still accepted.
 * Idempotent. Redis first: once the key is in the revoked set no receiver finds it and no registry sync brings it
 * back, and its revocation sequence number is there for the workers, so the revocation holds even if the Postgres
 * write after it fails (the operator sees an error and retries, which records the same number). When Redis is
 * unreachable nothing is written and the operator sees a 503: the key still works, and we do not pretend otherwise.
 * With ACK_REPLICAS, a revocation the replicas did not confirm in time is a 503 too (the primary has it, but a
 * failover could bring the key back); the operator's retry records the same number.
 */
export async function revokeRejectionEndpoint(deps: AdminDeps, rawId: unknown) {
  const endpointId = parseInput(id, rawId, 'id');
  const endpoint = await deps.prisma.rejectionEndpoint.findUnique({ where: { id: endpointId } });
  if (!endpoint) throw new NotFoundError(`rejection endpoint ${endpointId} not found`);
  const revokedSeq = await deps.withRedis(() => deps.registry.revoke({ endpointId, keyHash: endpoint.keyHash }));
  const revoked = endpoint.revokedAt
    ? endpoint
    : await deps.prisma.rejectionEndpoint.update({
        where: { id: endpointId },
        data: { revokedAt: new Date(), revokedSeq: BigInt(revokedSeq) },
      });
  return { id: revoked.id, revoked_at: revoked.revokedAt!.toISOString() };
}
