import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { afterCursor, likeLiteral, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const advertiserQuery = z.strictObject({
  /** A part of the name, in any case. */
  name: z.string().trim().min(1).max(200).optional(),
  ...pagingFields,
});

/** Advertisers, oldest first, optionally those whose name contains `name` (any case). */
export async function listAdvertisers(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(advertiserQuery, rawQuery);
  const rows = await prisma.advertiser.findMany({
    where: {
      id: afterCursor(q.cursor),
      name: q.name === undefined ? undefined : { contains: likeLiteral(q.name), mode: 'insensitive' },
    },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return {
    advertisers: page.rows.map((a) => ({ id: a.id, name: a.name, created_at: a.createdAt.toISOString() })),
    next_cursor: page.next_cursor,
  };
}
