import { z } from 'zod';
import { generateEndpointKey, hashEndpointKey, rejectionUrl, scopeOf } from '@postback/core';
import { ConflictError, NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { int4Id, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';

/** How long a rotated URL keeps working unless the operator says otherwise: a week for the advertiser to switch. */
export const DEFAULT_GRACE_SECONDS = 7 * 86_400;
/** The longest grace: a rotation is a change of URL, not a second URL kept for good. */
export const MAX_GRACE_SECONDS = 90 * 86_400;

export const rotateInput = z.strictObject({ grace_seconds: wholeNumber(0, MAX_GRACE_SECONDS).optional() });

/**
 * Rotates a rejection URL: a new URL of the same scope, recorded as replacing the old one, which keeps working
 * until `old_expires_at` (now + grace_seconds) and is refused from then on, by the receivers (the expiry travels in
 * the key registry) and by the workers (a postback received at or after it is `revoked`). The new key is shown
 * once, here. A URL already rotated or revoked is a 409: rotating it again would leave two live successors.
 *
 * Atomic: either the new key is registered and the old one expiring, in Redis and in Postgres, or neither.
 *  1. The replacement's row is committed on its own first, as creation does (a registry sync drops a registered key
 *     whose row it cannot see). Nobody holds its key yet, so a sync registering it early harms no one.
 *  2. In one transaction, the old row is claimed (a conditional update, which also locks it: of two rotations at
 *     once the second finds it taken) and, before the commit, the new key and the old one's expiry go to Redis in
 *     one atomic step. A sync cannot copy an expiry Postgres has not committed, so when Redis fails, rolling back
 *     leaves no expiry anywhere, and the replacement's row is deleted: a 503, the old URL untouched. (A sync whose
 *     fresh look at Postgres falls between the Redis step and the commit may drop the expiry again; the next sync
 *     brings it back, and the workers, which read it from Postgres, refuse what comes after it meanwhile.)
 */
export async function rotateRejectionEndpoint(deps: AdminDeps, rawId: unknown, input: unknown) {
  const endpointId = parseInput(int4Id, rawId, 'id');
  const graceSeconds = parseInput(rotateInput, input).grace_seconds ?? DEFAULT_GRACE_SECONDS;
  const old = await deps.prisma.rejectionEndpoint.findUnique({ where: { id: endpointId } });
  if (!old) throw new NotFoundError(`rejection endpoint ${endpointId} not found`);
  refuseUnrotatable(old);
  const scope = scopeOf(old.scope, old.advertiserId, old.offerId);
  if (scope === null) throw new ConflictError(`rejection endpoint ${endpointId} has no valid scope and cannot be rotated`);

  const key = generateEndpointKey();
  const keyHash = hashEndpointKey(key);
  const replacement = await deps.prisma.rejectionEndpoint.create({
    data: { advertiserId: old.advertiserId, scope: old.scope, offerId: old.offerId, keyHash },
  });
  const expiresAt = new Date(Date.now() + graceSeconds * 1000);
  let inRedis = false;
  try {
    await deps.prisma.$transaction(async (tx) => {
      const claimed = await tx.rejectionEndpoint.updateMany({
        where: { id: endpointId, revokedAt: null, replacedById: null },
        data: { expiresAt, replacedById: replacement.id },
      });
      if (claimed.count === 0) refuseUnrotatable((await tx.rejectionEndpoint.findUnique({ where: { id: endpointId } }))!);
      await deps.withRedis(() =>
        deps.registry.rotate({ endpointId: replacement.id, keyHash, scope }, { keyHash: old.keyHash, expiresAt: expiresAt.getTime() }),
      );
      inRedis = true;
    }, { timeout: ROTATION_TIMEOUT_MS });
  } catch (err) {
    await discard(deps, replacement.id, inRedis ? old.keyHash : undefined);
    throw err;
  }
  return {
    id: replacement.id,
    scope: scope.kind,
    advertiser_id: replacement.advertiserId,
    offer_id: replacement.offerId,
    url: rejectionUrl(deps.cfg.PUBLIC_BASE_URL, key),
    key,
    replaces: old.id,
    old_expires_at: expiresAt.toISOString(),
  };
}

// The rotation's transaction waits on Redis (its fail-fast connect, and ACK_REPLICAS): room for both.
const ROTATION_TIMEOUT_MS = 30_000;

/**
 * A rotation that did not happen: its replacement's row goes (a registry sync then forgets its key), and, should
 * Redis have taken the expiry before Postgres failed the commit, the expiry too (else the next sync drops it).
 */
async function discard(deps: AdminDeps, replacementId: number, expiredKeyHash: string | undefined): Promise<void> {
  await deps.prisma.rejectionEndpoint.delete({ where: { id: replacementId } }).catch(() => undefined);
  if (expiredKeyHash !== undefined) await deps.withRedis(() => deps.registry.clearExpiries([expiredKeyHash])).catch(() => undefined);
}

function refuseUnrotatable(endpoint: { id: number; revokedAt: Date | null; replacedById: number | null }): void {
  if (endpoint.revokedAt !== null) {
    throw new ConflictError(`rejection endpoint ${endpoint.id} is revoked: create a new URL instead of rotating it`);
  }
  if (endpoint.replacedById !== null) {
    throw new ConflictError(`rejection endpoint ${endpoint.id} was already rotated (replaced by ${endpoint.replacedById}): rotate that one instead`);
  }
}
