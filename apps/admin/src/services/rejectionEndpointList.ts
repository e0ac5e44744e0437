import { z } from 'zod';
import type { Prisma, PrismaClient } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { afterCursor, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

const id = z.coerce.number().int().positive();

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const endpointQuery = z.strictObject({
  advertiser_id: id.optional(),
  /** Offer-level URLs of this offer (global URLs have no offer). */
  offer_id: id.optional(),
  scope: z.enum(['global', 'offer']).optional(),
  /** true: only revoked URLs; false: only live ones; absent: both. */
  revoked: z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true').optional(),
  ...pagingFields,
});

export interface RejectionEndpointListEntry {
  id: number;
  scope: 'global' | 'offer';
  advertiser_id: number;
  offer_id: number | null;
  created_at: string;
  revoked_at: string | null;
  /** When the last postback sent with its key that is still in the postback log was received; null if none is. */
  last_used_at: string | null;
}

/**
 * Rejection URLs, oldest first, filtered by advertiser, offer, scope and revoked or not: the ids an operator needs
 * to revoke one, and what the console's URL list shows. Never the key (only its hash is stored, and that is not
 * shown either): a lost key means a new URL. The URLs come from the primary (one created a moment ago is there to
 * revoke); their last_used_at, a read of the postback log, from the read replica when there is one.
 */
export async function listRejectionEndpoints(primary: PrismaClient, reads: Reads, rawQuery: unknown) {
  const q = parseInput(endpointQuery, rawQuery);
  const and: Prisma.RejectionEndpointWhereInput[] = [];
  if (q.revoked !== undefined) and.push({ revokedAt: q.revoked ? { not: null } : null });
  const rows = await primary.rejectionEndpoint.findMany({
    where: { id: afterCursor(q.cursor), advertiserId: q.advertiser_id, offerId: q.offer_id, scope: q.scope, AND: and },
    select: { id: true, advertiserId: true, scope: true, offerId: true, createdAt: true, revokedAt: true },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  const lastUsed = await reads.run((replica) => lastUsedAt(replica, page.rows.map((r) => r.id)));
  return {
    rejection_endpoints: page.rows.map((r): RejectionEndpointListEntry => ({
      id: r.id,
      // The stored scope, never one inferred from offer_id (see the endpoint_scope migration).
      scope: r.scope,
      advertiser_id: r.advertiserId,
      offer_id: r.offerId,
      created_at: r.createdAt.toISOString(),
      revoked_at: r.revokedAt?.toISOString() ?? null,
      last_used_at: lastUsed.get(r.id)?.toISOString() ?? null,
    })),
    next_cursor: page.next_cursor,
  };
}

/**
 * The latest received_at in the postback log per endpoint. One max() per endpoint, which Postgres answers from the
 * (endpoint_id, received_at) index with one backward step each; a GROUP BY over all of an endpoint's rows would read
 * every postback it ever sent.
 */
async function lastUsedAt(replica: PrismaClient, endpointIds: number[]): Promise<Map<number, Date>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await replica.$queryRaw<Array<{ id: number; last_used_at: Date | null }>>`
    SELECT e.id, (SELECT max(l.received_at) FROM postback_log l WHERE l.endpoint_id = e.id) AS last_used_at
    FROM unnest(${endpointIds}::int[]) AS e(id)`;
  return new Map(rows.filter((r) => r.last_used_at !== null).map((r) => [r.id, r.last_used_at!]));
}
