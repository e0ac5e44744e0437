import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { afterCursor, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const offerQuery = z.strictObject({
  advertiser_id: z.coerce.number().int().positive().optional(),
  ...pagingFields,
});

/** Offers, oldest first, optionally of one advertiser. */
export async function listOffers(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(offerQuery, rawQuery);
  const rows = await prisma.offer.findMany({
    where: { id: afterCursor(q.cursor), advertiserId: q.advertiser_id },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return {
    offers: page.rows.map((o) => ({ id: o.id, advertiser_id: o.advertiserId, name: o.name, created_at: o.createdAt.toISOString() })),
    next_cursor: page.next_cursor,
  };
}
