import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { afterCursor, likeLiteral, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const offerQuery = z.strictObject({
  advertiser_id: z.coerce.number().int().positive().optional(),
  /** A part of the name, in any case (as for advertisers). */
  name: z.string().trim().min(1).max(200).optional(),
  ...pagingFields,
});

/** Offers, oldest first, optionally of one advertiser and those whose name contains `name` (any case). */
export async function listOffers(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(offerQuery, rawQuery);
  const rows = await prisma.offer.findMany({
    where: {
      id: afterCursor(q.cursor),
      advertiserId: q.advertiser_id,
      name: q.name === undefined ? undefined : { contains: likeLiteral(q.name), mode: 'insensitive' },
    },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return {
    offers: page.rows.map((o) => ({ id: o.id, advertiser_id: o.advertiserId, name: o.name, created_at: o.createdAt.toISOString() })),
    next_cursor: page.next_cursor,
  };
}
