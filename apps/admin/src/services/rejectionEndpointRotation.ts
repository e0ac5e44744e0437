import { z } from 'zod';
import { generateEndpointKey, hashEndpointKey, rejectionUrl, scopeOf, type PrismaClient } from '@postback/core';
import { ConflictError, NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { int4Id, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';

/** How long a rotated URL keeps working unless the operator says otherwise: a week for the advertiser to switch. */
export const DEFAULT_GRACE_SECONDS = 7 * 86_400;
/** The longest grace: a rotation is a change of URL, not a second URL kept for good. */
export const MAX_GRACE_SECONDS = 90 * 86_400;

const rotateInput = z.strictObject({ grace_seconds: wholeNumber(0, MAX_GRACE_SECONDS).optional() });

/**
 * Rotates a rejection URL: a new URL of the same scope, recorded as replacing the old one, which keeps working
 * until `old_expires_at` (now + grace_seconds) and is refused from then on, by the receivers (the expiry travels in
 * the key registry) and by the workers (a postback received at or after it is `revoked`). The new key is shown
 * once, here.
 *
 * Ordered as creation is: both rows are committed first (a registry sync drops a registered key whose row it
 * cannot see), then the new key and the old one's expiry go to Redis in one atomic step; if Redis fails, the
 * rotation is undone in Postgres, so there is either a rotation (new key registered, old one expiring) or none,
 * and a 503 says so. A URL already rotated or revoked is a 409: rotating it again would leave two live successors.
 */
export async function rotateRejectionEndpoint(deps: AdminDeps, rawId: unknown, input: unknown) {
  const endpointId = parseInput(int4Id, rawId, 'id');
  const graceSeconds = parseInput(rotateInput, input).grace_seconds ?? DEFAULT_GRACE_SECONDS;
  const key = generateEndpointKey();
  const keyHash = hashEndpointKey(key);
  const expiresAt = new Date(Date.now() + graceSeconds * 1000);
  const { old, replacement, scope } = await deps.prisma.$transaction(async (tx) => {
    const old = await tx.rejectionEndpoint.findUnique({ where: { id: endpointId } });
    if (!old) throw new NotFoundError(`rejection endpoint ${endpointId} not found`);
    refuseUnrotatable(old);
    const scope = scopeOf(old.scope, old.advertiserId, old.offerId);
    if (scope === null) throw new ConflictError(`rejection endpoint ${endpointId} has no valid scope and cannot be rotated`);
    const replacement = await tx.rejectionEndpoint.create({
      data: { advertiserId: old.advertiserId, scope: old.scope, offerId: old.offerId, keyHash },
    });
    // Conditional: of two rotations (or a rotation and a revocation) at once, the second finds the row taken.
    const taken = await tx.rejectionEndpoint.updateMany({
      where: { id: endpointId, revokedAt: null, replacedById: null },
      data: { expiresAt, replacedById: replacement.id },
    });
    if (taken.count === 0) refuseUnrotatable((await tx.rejectionEndpoint.findUnique({ where: { id: endpointId } }))!);
    return { old, replacement, scope };
  });
  try {
    await deps.withRedis(() =>
      deps.registry.rotate({ endpointId: replacement.id, keyHash, scope }, { keyHash: old.keyHash, expiresAt: expiresAt.getTime() }),
    );
  } catch (err) {
    // Nobody has seen the new key: undo the rotation rather than leave the old URL expiring with no successor.
    await undoRotation(deps.prisma, old.id, replacement.id).catch(() => undefined);
    await deps.withRedis(() => deps.registry.clearExpiries([old.keyHash])).catch(() => undefined);
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

function refuseUnrotatable(endpoint: { id: number; revokedAt: Date | null; replacedById: number | null }): void {
  if (endpoint.revokedAt !== null) {
    throw new ConflictError(`rejection endpoint ${endpoint.id} is revoked: create a new URL instead of rotating it`);
  }
  if (endpoint.replacedById !== null) {
    throw new ConflictError(`rejection endpoint ${endpoint.id} was already rotated (replaced by ${endpoint.replacedById}): rotate that one instead`);
  }
}

// The old row first: it names the replacement (RESTRICT), which can go only once nothing does.
async function undoRotation(prisma: PrismaClient, oldId: number, replacementId: number): Promise<void> {
  await prisma.$transaction([
    prisma.rejectionEndpoint.updateMany({ where: { id: oldId, replacedById: replacementId }, data: { expiresAt: null, replacedById: null } }),
    prisma.rejectionEndpoint.delete({ where: { id: replacementId } }),
  ]);
}
