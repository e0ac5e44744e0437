import { z } from 'zod';

/** Where a page of the postback log ended: the last row's sort key (received_at, postback_id), newest first. */
export interface PostbackLogPosition {
  receivedAt: Date;
  postbackId: string;
}

const positionSchema = z.tuple([z.iso.datetime(), z.uuid()]);

/**
 * The opaque next_cursor: base64url of the last row's sort key. A key, not an offset: rows the workers insert
 * while an operator pages shift nothing, so no row that was there when paging began is repeated or missed.
 */
export function encodeCursor(position: PostbackLogPosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt.toISOString(), position.postbackId])).toString('base64url');
}

/** The position a cursor names, or undefined if it is not one encodeCursor made. */
export function decodeCursor(cursor: string): PostbackLogPosition | undefined {
  if (!/^[\w-]+$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = positionSchema.safeParse(decoded);
  return parsed.success ? { receivedAt: new Date(parsed.data[0]), postbackId: parsed.data[1] } : undefined;
}
