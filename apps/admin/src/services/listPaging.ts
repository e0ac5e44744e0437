import { z } from 'zod';

export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1000;

/**
 * Keyset paging by id for the admin lists (advertisers, offers, rejection URLs), oldest first. The opaque cursor
 * is base64url of the last id of the previous page: rows created while an operator pages shift nothing, and each
 * page is one primary-key range scan however far the operator goes.
 */
export const pagingFields = {
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z
    .string()
    .transform((c, ctx) => decodeIdCursor(c) ?? (ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' }), z.NEVER))
    .optional(),
};

const idCursorSchema = z.tuple([z.number().int().positive()]);

export function encodeIdCursor(id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

/** The id a cursor names, or undefined if it is not one encodeIdCursor made. */
export function decodeIdCursor(cursor: string): number | undefined {
  if (!/^[\w-]+$/.test(cursor)) return undefined;
  try {
    const parsed = idCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Rows after the cursor's id, in id order. */
export const afterCursor = (cursor: number | undefined) => (cursor === undefined ? undefined : { gt: cursor });

/**
 * One page out of rows fetched with `take: limit + 1` in id order: whether the extra row exists says if there is a
 * next page.
 */
export function pageOf<Row extends { id: number }>(rows: Row[], limit: number): { rows: Row[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next_cursor: rows.length > limit && last ? encodeIdCursor(last.id) : null };
}

/** `text` as a LIKE pattern that matches it literally: Prisma's `contains` does not escape %, _ or \. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
