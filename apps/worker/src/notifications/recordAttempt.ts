import type { PrismaClient } from '@postback/core';
import type { DeliveryResult } from './attemptOutcome.js';

export interface AttemptRecord {
  notificationId: string;
  result: DeliveryResult;
  /** Already masked (maskUrl). */
  url: string;
  statusCode: number | null;
  latencyMs: number | null;
  responseHead: string | null;
  error: string | null;
  /** Set on a 410 Gone: the affiliate postback is paused with this reason, in the same statement. */
  pauseReason: string | null;
}

/**
 * Records attempts in ONE statement: each one's delivery log row, its notification (attempts, last_error, and its
 * final state: delivered or failed; a retrying one stays sending) and, on a 410, the paused postback. So the log, the
 * outbox and the pause never disagree. An attempt's number is its notification's count of attempts, which keeps
 * counting across a replay from the dead-letter queue. Resolves, for each attempt in order, whether it was recorded
 * (false: its notification no longer exists). One attempt per notification in a call.
 */
export async function recordAttempts(prisma: PrismaClient, attempts: readonly AttemptRecord[]): Promise<boolean[]> {
  if (attempts.length === 0) return [];
  const column = <K extends keyof AttemptRecord>(key: K) => attempts.map((a) => a[key]);
  const recorded = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH a AS (
      SELECT * FROM unnest(
        ${column('notificationId')}::uuid[], ${column('result')}::text[], ${column('url')}::text[],
        ${column('statusCode')}::int[], ${column('latencyMs')}::int[], ${column('responseHead')}::text[],
        ${column('error')}::text[], ${column('pauseReason')}::text[]
      ) AS a(id, result, url, status_code, latency_ms, response_head, error, pause_reason)
    ), n AS (
      UPDATE notifications
      SET attempts = attempts + 1, last_error = a.error,
          state = (CASE WHEN a.result = 'retrying' THEN 'sending' ELSE a.result END)::notification_state,
          finished_at = CASE WHEN a.result = 'retrying' THEN NULL ELSE now() END, updated_at = now()
      FROM a
      WHERE notifications.id = a.id
      RETURNING notifications.id, notifications.attempts, notifications.affiliate_postback_id, notifications.alert_rule_id,
                notifications.transaction_id, a.result, a.url, a.status_code, a.latency_ms, a.response_head, a.error,
                a.pause_reason
    ), paused AS (
      UPDATE affiliate_postbacks p
      SET status = 'paused', paused_reason = n.pause_reason, paused_at = now(), updated_at = now()
      FROM n
      WHERE n.pause_reason IS NOT NULL AND p.id = n.affiliate_postback_id AND p.deleted_at IS NULL
    )
    INSERT INTO delivery_attempts
      (notification_id, affiliate_postback_id, alert_rule_id, transaction_id, attempt, url, status_code, latency_ms,
       response_head, error, result)
    SELECT id, affiliate_postback_id, alert_rule_id, transaction_id, attempts, url, status_code, latency_ms,
           response_head, error, result::delivery_result
    FROM n
    RETURNING notification_id::text AS id`;
  const done = new Set(recorded.map((r) => r.id));
  return attempts.map((a) => done.has(a.notificationId));
}

export async function recordAttempt(prisma: PrismaClient, attempt: AttemptRecord): Promise<boolean> {
  const [recorded] = await recordAttempts(prisma, [attempt]);
  return recorded!;
}
