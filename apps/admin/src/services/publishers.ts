import { z } from 'zod';
import type { PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { int4Id, text } from './inputTypes.js';
import { afterCursor, likeLiteral, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

// publishers.name is text; 200 characters, as for advertisers and offers.
export const publisherInput = z.object({ name: text(200, { trim: true }) });

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const publisherQuery = z.strictObject({
  /** A part of the name, in any case. */
  name: z.string().trim().min(1).max(200).optional(),
  ...pagingFields,
});

const publisherOf = (p: { id: number; name: string; createdAt: Date }) => ({ id: p.id, name: p.name, created_at: p.createdAt.toISOString() });

/** A publisher (an affiliate): who earned a conversion, and whose affiliate postbacks are told of its rejection. */
export async function createPublisher(prisma: PrismaClient, input: unknown) {
  const { name } = parseInput(publisherInput, input);
  return publisherOf(await prisma.publisher.create({ data: { name } }));
}

export async function showPublisher(prisma: PrismaClient, rawId: unknown) {
  const id = parseInput(int4Id, rawId, 'id');
  const p = await prisma.publisher.findUnique({ where: { id } });
  if (!p) throw new NotFoundError(`publisher ${id} not found`);
  return publisherOf(p);
}

/** Publishers, oldest first, optionally those whose name contains `name` (any case). */
export async function listPublishers(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(publisherQuery, rawQuery);
  const rows = await prisma.publisher.findMany({
    where: {
      id: afterCursor(q.cursor),
      name: q.name === undefined ? undefined : { contains: likeLiteral(q.name), mode: 'insensitive' },
    },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return { publishers: page.rows.map(publisherOf), next_cursor: page.next_cursor };
}
