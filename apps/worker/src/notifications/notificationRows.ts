import type { PrismaClient } from '@postback/core';
import { macroValuesOf, renderNotification, type NotificationFacts } from './renderNotification.js';

export type NotificationState = 'waiting' | 'sending' | 'delivered' | 'failed' | 'skipped';

/** A notification as its delivery needs it, with where it comes from: an affiliate postback or an alert rule. */
export interface NotificationRow {
  id: string;
  state: NotificationState;
  request: unknown;
  affiliatePostbackId: number | null;
  alertRuleId: number | null;
  transactionId: string | null;
  /** The postback's signing secret (whsec_…), null when unsigned or an alert. */
  secret: string | null;
  postbackStatus: 'active' | 'paused' | null;
  postbackPausedReason: string | null;
  postbackDeleted: boolean;
  ruleDeleted: boolean;
}

/** The notifications of `ids` that exist, by id, with their postback's or rule's standing: one statement. */
export async function loadNotifications(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, NotificationRow>> {
  const rows = await prisma.$queryRaw<NotificationRow[]>`
    SELECT n.id::text AS "id", n.state::text AS "state", n.request AS "request",
           n.affiliate_postback_id AS "affiliatePostbackId", n.alert_rule_id AS "alertRuleId",
           n.transaction_id AS "transactionId", p.secret AS "secret", p.status::text AS "postbackStatus",
           p.paused_reason AS "postbackPausedReason",
           -- Missing counts as deleted: the outbox has no foreign keys (migration 20261204090000).
           n.affiliate_postback_id IS NOT NULL AND (p.id IS NULL OR p.deleted_at IS NOT NULL) AS "postbackDeleted",
           n.alert_rule_id IS NOT NULL AND (r.id IS NULL OR r.deleted_at IS NOT NULL) AS "ruleDeleted"
    FROM notifications n
    LEFT JOIN affiliate_postbacks p ON p.id = n.affiliate_postback_id
    LEFT JOIN alert_rules r ON r.id = n.alert_rule_id
    WHERE n.id = ANY(${[...ids]}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row]));
}

export async function loadNotification(prisma: PrismaClient, id: string): Promise<NotificationRow | undefined> {
  return (await loadNotifications(prisma, [id])).get(id);
}

/** Why a notification is not sent at all: its postback is paused or deleted (or its alert rule deleted); else null. */
export function skipReasonOf(row: NotificationRow): string | null {
  if (row.affiliatePostbackId !== null) {
    if (row.postbackDeleted) return `affiliate postback ${row.affiliatePostbackId} is deleted`;
    if (row.postbackStatus === 'paused') {
      return `affiliate postback ${row.affiliatePostbackId} is paused${row.postbackPausedReason ? `: ${row.postbackPausedReason}` : ''}`;
    }
  }
  if (row.alertRuleId !== null && row.ruleDeleted) return `alert rule ${row.alertRuleId} is deleted`;
  return null;
}

/** Records notifications as skipped, each with why, without an attempt. Resolves the ids that were still open. */
export async function skipNotifications(prisma: PrismaClient, skips: ReadonlyArray<{ id: string; reason: string }>): Promise<Set<string>> {
  if (skips.length === 0) return new Set();
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE notifications n SET state = 'skipped', last_error = s.reason, finished_at = now(), updated_at = now()
    FROM unnest(${skips.map((s) => s.id)}::uuid[], ${skips.map((s) => s.reason)}::text[]) AS s(id, reason)
    WHERE n.id = s.id AND n.state IN ('waiting', 'sending', 'failed')
    RETURNING n.id::text AS id`;
  return new Set(rows.map((r) => r.id));
}

export async function skipNotification(prisma: PrismaClient, id: string, reason: string): Promise<boolean> {
  return (await skipNotifications(prisma, [{ id, reason }])).has(id);
}

interface RenderFactsRow extends NotificationFacts {
  notificationId: string;
  postbackId: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The postback's reason filter (empty: every reason). */
  reasons: string[];
}

/**
 * Why an affiliate notification, about to be rendered, is not sent after all: its postback names reasons and the
 * conversion's reason now is none of them (it was corrected within the delay to one the affiliate did not ask
 * about); else null. The notification carries the settled state, so the filter applies to that state too.
 */
export function reasonFilterMiss(postbackId: number, reasons: readonly string[], rejectedReason: string | null): string | null {
  if (reasons.length === 0 || (rejectedReason !== null && reasons.includes(rejectedReason))) return null;
  return `the conversion's reason is now ${JSON.stringify(rejectedReason)}, not one of affiliate postback ${postbackId}'s reasons`;
}

/** What claimRequest took: the request to send, or, when the settled state no longer passes the filter, why not. */
export type ClaimedRequest = { request: unknown; skipReason?: undefined } | { request: unknown; skipReason: string };

/**
 * Takes notifications into `sending` (from waiting, or from failed: a replay from the dead-letter queue) and returns
 * the request each is to send: the stored one, or, the first time, one rendered now from the conversion's state and
 * stored. The state changes first, committed on its own: an applier's change that comes after it waits for this
 * commit and then makes a notification of its own (the waiting row is gone), while one committed before joined the
 * waiting row and is read by the next statement. A notification no longer open (or gone) has no entry; one whose
 * conversion, as it is now, fails its postback's reason filter is recorded skipped and comes with its skipReason.
 * At most three statements for the whole set, no transaction around them (the drain's worker process runs this for
 * every delivery: an interactive transaction cost two round trips more and held a connection throughout). A crash
 * after the claim and before the request is stored leaves a `sending` row without a request: its next attempt
 * renders it, as here.
 */
export async function claimRequests(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, ClaimedRequest>> {
  const claimed = await prisma.$queryRaw<Array<{ id: string; request: unknown; affiliate: boolean }>>`
    UPDATE notifications SET state = 'sending', finished_at = NULL, updated_at = now()
    WHERE id = ANY(${[...ids]}::uuid[]) AND state IN ('waiting', 'sending', 'failed')
    RETURNING id::text AS id, request, affiliate_postback_id IS NOT NULL AS affiliate`;
  const result = new Map<string, ClaimedRequest>();
  const unrendered: string[] = [];
  for (const row of claimed) {
    if (row.request !== null || !row.affiliate) result.set(row.id, { request: row.request });
    else unrendered.push(row.id);
  }
  if (unrendered.length === 0) return result;
  // The conversions are read FOR SHARE, after the claim above has committed: a batch that changed one and found its
  // notification still waiting (so joined it instead of writing a new one) holds the conversion's row lock until it
  // commits, so this waits for it and, READ COMMITTED, returns the row as that batch left it. A batch that comes
  // after the claim finds the notification sending and writes a new one. Either way no change goes untold. Locked in
  // id order, as the applier locks them, so the two cannot deadlock.
  const facts = await prisma.$queryRaw<RenderFactsRow[]>`
    WITH c AS (
      SELECT id, transaction_id, status, rejected_reason, payout, offer_id, publisher_id, sub_id, updated_at
      FROM conversions WHERE id IN (SELECT conversion_id FROM notifications WHERE id = ANY(${unrendered}::uuid[]))
      ORDER BY id
      FOR SHARE
    )
    SELECT n.id::text AS "notificationId", p.id AS "postbackId", p.method, p.url, p.headers, p.body, p.reasons,
           COALESCE(c.transaction_id, n.transaction_id) AS "transactionId", c.status::text AS "status",
           c.rejected_reason AS "rejectedReason", n.previous_status::text AS "previousStatus",
           n.previous_reason AS "previousReason", c.payout::text AS "payout", c.offer_id AS "offerId",
           COALESCE(c.publisher_id, p.publisher_id) AS "publisherId", c.sub_id AS "subId", c.updated_at AS "changedAt"
    FROM notifications n
    JOIN affiliate_postbacks p ON p.id = n.affiliate_postback_id
    LEFT JOIN c ON c.id = n.conversion_id
    WHERE n.id = ANY(${unrendered}::uuid[])`;
  // Gone between the two statements (retention): nothing to send, no entry.
  if (facts.length === 0) return result;
  const rendered = facts.map((f) => {
    const request = renderNotification(f, macroValuesOf(f));
    // The applier checked the reason filter against the first change only; a later change within the delay joined
    // the waiting row whatever its reason, and the conversion is rendered as it is now. Without this check a
    // postback for "fraud" only would be sent a rejection for a reason corrected to another one.
    const skipReason = reasonFilterMiss(f.postbackId, f.reasons, f.rejectedReason);
    result.set(f.notificationId, skipReason === null ? { request } : { request, skipReason });
    return { id: f.notificationId, request: JSON.stringify(request), skipReason };
  });
  // Stored only when still unrendered: the request a retry sends again is the first one rendered. A skipped one is
  // final here unless another attempt recorded it meanwhile.
  await prisma.$executeRaw`
    UPDATE notifications n
    SET request = COALESCE(n.request, r.request::jsonb),
        state = CASE WHEN r.skip_reason IS NOT NULL AND n.state = 'sending' THEN 'skipped'::notification_state ELSE n.state END,
        last_error = CASE WHEN r.skip_reason IS NOT NULL AND n.state = 'sending' THEN r.skip_reason ELSE n.last_error END,
        finished_at = CASE WHEN r.skip_reason IS NOT NULL AND n.state = 'sending' THEN now() ELSE n.finished_at END,
        updated_at = CASE WHEN r.skip_reason IS NOT NULL AND n.state = 'sending' THEN now() ELSE n.updated_at END
    FROM unnest(${rendered.map((r) => r.id)}::uuid[], ${rendered.map((r) => r.request)}::text[], ${rendered.map((r) => r.skipReason)}::text[])
      AS r(id, request, skip_reason)
    WHERE n.id = r.id`;
  return result;
}

export async function claimRequest(prisma: PrismaClient, id: string): Promise<ClaimedRequest | undefined> {
  return (await claimRequests(prisma, [id])).get(id);
}
