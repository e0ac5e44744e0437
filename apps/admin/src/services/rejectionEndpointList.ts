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
  /** Postbacks sent with its key received in the last 24 hours and applied (in the postback log). */
  postbacks_24h: number;
  /** A rotated URL's end of grace: refused from then on. Null for a URL never rotated. */
  expires_at: string | null;
  /** The id of the URL that replaced it at its rotation; null if it was not rotated. */
  replaced_by: number | null;
}

/**
 * Rejection URLs, oldest first, filtered by advertiser, offer, scope and revoked or not: the ids an operator needs
 * to revoke one, and what the console's URL list shows. Never the key (only its hash is stored, and that is not
 * shown either): a lost key means a new URL. The URLs come from the primary (one created a moment ago is there to
 * revoke); their last_used_at and postbacks_24h, reads of the postback log, from the read replica when there is one.
 */
export async function listRejectionEndpoints(primary: PrismaClient, reads: Reads, rawQuery: unknown) {
  const q = parseInput(endpointQuery, rawQuery);
  const and: Prisma.RejectionEndpointWhereInput[] = [];
  if (q.revoked !== undefined) and.push({ revokedAt: q.revoked ? { not: null } : null });
  const rows = await primary.rejectionEndpoint.findMany({
    where: { id: afterCursor(q.cursor), advertiserId: q.advertiser_id, offerId: q.offer_id, scope: q.scope, AND: and },
    select: { id: true, advertiserId: true, scope: true, offerId: true, createdAt: true, revokedAt: true, expiresAt: true, replacedById: true },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  const usage = await reads.run((replica) => usageOf(replica, page.rows.map((r) => r.id)));
  return {
    rejection_endpoints: page.rows.map((r): RejectionEndpointListEntry => ({
      id: r.id,
      // The stored scope, never one inferred from offer_id (see the endpoint_scope migration).
      scope: r.scope,
      advertiser_id: r.advertiserId,
      offer_id: r.offerId,
      created_at: r.createdAt.toISOString(),
      revoked_at: r.revokedAt?.toISOString() ?? null,
      last_used_at: usage.get(r.id)?.lastUsedAt?.toISOString() ?? null,
      postbacks_24h: usage.get(r.id)?.last24h ?? 0,
      expires_at: r.expiresAt?.toISOString() ?? null,
      replaced_by: r.replacedById,
    })),
    next_cursor: page.next_cursor,
  };
}

interface Usage {
  lastUsedAt: Date | null;
  last24h: number;
}

/**
 * The latest received_at in the postback log per endpoint, and how many of its postbacks were received in the last
 * 24 hours. Both from the (endpoint_id, received_at) index: max() is one backward step per endpoint, the count a
 * range scan of that endpoint's last day only (and only of the partitions holding it); a GROUP BY over all of an
 * endpoint's rows would read every postback it ever sent.
 */
async function usageOf(replica: PrismaClient, endpointIds: number[]): Promise<Map<number, Usage>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await replica.$queryRaw<Array<{ id: number; last_used_at: Date | null; last_24h: number }>>`
    SELECT e.id,
           (SELECT max(l.received_at) FROM postback_log l WHERE l.endpoint_id = e.id) AS last_used_at,
           (SELECT count(*)::int FROM postback_log l
            WHERE l.endpoint_id = e.id AND l.received_at >= now() - interval '24 hours') AS last_24h
    FROM unnest(${endpointIds}::int[]) AS e(id)`;
  return new Map(rows.map((r) => [r.id, { lastUsedAt: r.last_used_at, last24h: r.last_24h }]));
}
