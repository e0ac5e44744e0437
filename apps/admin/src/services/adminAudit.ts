import type { Prisma } from '@postback/core';
import type { Actor } from '../operator.js';

/** Every state-changing admin action the audit trail names; `GET /admin/audit?action=` takes one of these. */
export const AUDIT_ACTIONS = [
  'advertiser.create',
  'offer.create',
  'rejection_url.create',
  'rejection_url.rotate',
  'rejection_url.revoke',
  'conversions.import',
  'postbacks.prune',
  'dlq.replay',
  'dlq.replay_cancel',
  'dlq.purge',
  'dlq.delete',
  'shard_layout.forget',
  'bulk_rejection.upload',
  'bulk_rejection.cancel',
  'publisher.create',
  'affiliate_postback.create',
  'affiliate_postback.pause',
  'affiliate_postback.resume',
  'affiliate_postback.delete',
  'alert_rule.create',
  'alert_rule.delete',
  'login',
  'logout',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What one audit row says about an action beyond who did it and when. */
export interface AuditFacts {
  /** The id of what the action was done to, when there is one. */
  target?: string | number | null;
  /** A few small facts (counts, the filter), never a key, a URL holding one, or the token. */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditFacts {
  action: AuditAction;
  /** `failed`: the action threw after it may have changed something (see auditedActions.ts). */
  outcome?: 'ok' | 'failed';
}

// Lists in details (dead-letter ids) are cut to their first few and a count: an audit row stays small.
const LIST_KEPT = 20;

/** A list as an audit row keeps it: whole when short, else its first LIST_KEPT items and how many there were. */
export function shortList<T>(items: readonly T[]): readonly T[] | { count: number; first: readonly T[] } {
  return items.length <= LIST_KEPT ? items : { count: items.length, first: items.slice(0, LIST_KEPT) };
}

/** Writes one audit row; `db` is the action's own transaction when its change is in Postgres. */
export async function recordAudit(db: Prisma.TransactionClient, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.adminAudit.create({
    data: {
      operator: actor.operator.slice(0, 128),
      source: actor.source.slice(0, 200),
      action: entry.action,
      target: entry.target === undefined || entry.target === null ? null : String(entry.target).slice(0, 200),
      details: (entry.details ?? {}) as Prisma.InputJsonObject,
      outcome: entry.outcome ?? 'ok',
    },
  });
}
