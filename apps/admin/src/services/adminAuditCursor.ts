import { z } from 'zod';

/** Where a page of the audit trail ended: the last row's sort key (at, id), newest first. */
export interface AuditPosition {
  at: Date;
  id: bigint;
}

const positionSchema = z.tuple([z.iso.datetime(), z.string().regex(/^\d{1,19}$/)]);

/** The opaque next_cursor: base64url of the last row's sort key, a key rather than an offset (see postbackLogCursor.ts). */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id.toString()])).toString('base64url');
}

/** The position a cursor names, or undefined if it is not one encodeAuditCursor made. */
export function decodeAuditCursor(cursor: string): AuditPosition | undefined {
  if (!/^[\w-]+$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = positionSchema.safeParse(decoded);
  return parsed.success ? { at: new Date(parsed.data[0]), id: BigInt(parsed.data[1]) } : undefined;
}
