import { z } from 'zod';
import type { Prisma } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { AUDIT_ACTIONS } from './adminAudit.js';
import { decodeAuditCursor, encodeAuditCursor, type AuditPosition } from './adminAuditCursor.js';
import { parseInput } from './parseInput.js';

const AUDIT_LIMIT_DEFAULT = 100;
const AUDIT_LIMIT_MAX = 1000;

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected an ISO 8601 date or date-time' })
  .transform((s) => new Date(s));

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const auditQuerySchema = z
  .strictObject({
    operator: z.string().min(1).max(128).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    /** At or after. */
    since: instant.optional(),
    /** Before. */
    until: instant.optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_LIMIT_MAX).default(AUDIT_LIMIT_DEFAULT),
    cursor: z
      .string()
      .transform((c, ctx) => decodeAuditCursor(c) ?? (ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' }), z.NEVER))
      .optional(),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: 'must be after since', path: ['until'] });

export interface AuditRecord {
  id: string;
  at: string;
  operator: string;
  source: string;
  action: string;
  target: string | null;
  details: unknown;
  outcome: 'ok' | 'failed';
}

/**
 * One page of the audit trail, newest first (at, then id, descending), filtered by operator, action and a time
 * range. Keyset paging as for the postback log: `cursor` is where the previous page ended. Served by the read
 * replica when there is one, like the log search: the action just taken may not be there yet.
 */
export async function searchAudit(reads: Reads, rawQuery: unknown): Promise<{ audit: AuditRecord[]; next_cursor: string | null }> {
  const q = parseInput(auditQuerySchema, rawQuery);
  const and: Prisma.AdminAuditWhereInput[] = [];
  if (q.since) and.push({ at: { gte: q.since } });
  if (q.until) and.push({ at: { lt: q.until } });
  if (q.cursor) and.push(...after(q.cursor));
  const rows = await reads.run((replica) =>
    replica.adminAudit.findMany({
      where: { operator: q.operator, action: q.action, AND: and },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      // One more than asked: whether it exists says if there is a next page.
      take: q.limit + 1,
    }),
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    audit: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      operator: r.operator,
      source: r.source,
      action: r.action,
      target: r.target,
      details: r.details,
      outcome: r.outcome,
    })),
    next_cursor: rows.length > q.limit && last ? encodeAuditCursor(last) : null,
  };
}

/** Rows after `position` in newest-first order; the plain `at` bound lets the index scan start at the cursor. */
function after(position: AuditPosition): Prisma.AdminAuditWhereInput[] {
  return [
    { at: { lte: position.at } },
    { OR: [{ at: { lt: position.at } }, { at: position.at, id: { lt: position.id } }] },
  ];
}
