import { z } from 'zod';
import type { Prisma, PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { INT4_MAX, int4Id, wholeNumber } from './inputTypes.js';
import { afterCursor, pageOf, pagingFields } from './listPaging.js';
import { outboundUrl } from './outboundUrl.js';
import { parseInput } from './parseInput.js';

type AlertRule = Prisma.AlertRuleGetPayload<object>;

/** A week: the longest window a rule looks back over. */
export const WINDOW_MINUTES_MAX = 10_080;

/**
 * A percentage 0-100 with at most two decimals (max_rejection_rate_percent is numeric(5,2)): a JSON number, or a
 * string of one (a CLI option). Not z.coerce, which takes "", true and [] for numbers.
 */
const percent = z
  .union([z.number(), z.string()], { error: 'must be a number from 0 to 100' })
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d{1,3}(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isFinite(n) && n >= 0 && n <= 100) return n;
    ctx.addIssue({ code: 'custom', message: 'must be a number from 0 to 100' });
    return z.NEVER;
  })
  .meta({ description: 'A number from 0 to 100 (two decimals kept)' });

// One object, not a union of two: a bad id is then an error about that id, not "give exactly one". Strict, so a
// misspelt notify_resolved is refused instead of dropped.
export const alertRuleInput = z
  .strictObject({
    advertiser_id: int4Id.optional(),
    offer_id: int4Id.optional(),
    window_minutes: wholeNumber(1, WINDOW_MINUTES_MAX),
    min_conversions: wholeNumber(1, INT4_MAX),
    max_rejection_rate_percent: percent,
    /** Where the Slack-compatible JSON is POSTed. */
    webhook_url: outboundUrl,
    /** Post once more when the rate falls back below the threshold. */
    notify_resolved: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .refine((v) => (v.advertiser_id === undefined) !== (v.offer_id === undefined), {
    message: 'give exactly one of advertiser_id (all its offers) or offer_id (one offer)',
  });

export function alertRuleOf(r: AlertRule) {
  return {
    id: r.id,
    advertiser_id: r.advertiserId,
    offer_id: r.offerId,
    window_minutes: r.windowMinutes,
    min_conversions: r.minConversions,
    max_rejection_rate_percent: Number(r.maxRejectionRatePercent.toString()),
    webhook_url: r.webhookUrl,
    notify_resolved: r.notifyResolved,
    state: r.state as 'ok' | 'firing',
    last_conversions: r.lastConversions,
    last_rejected: r.lastRejected,
    last_evaluated_at: r.lastEvaluatedAt?.toISOString() ?? null,
    state_changed_at: r.stateChangedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}

/** A rejection-rate alert on an advertiser's conversions or one offer's, evaluated by the workers' schedule. */
export async function createAlertRule(prisma: PrismaClient, input: unknown) {
  const r = parseInput(alertRuleInput, input);
  if (r.offer_id !== undefined) {
    if (!(await prisma.offer.findUnique({ where: { id: r.offer_id }, select: { id: true } }))) throw new NotFoundError(`offer ${r.offer_id} not found`);
  } else if (!(await prisma.advertiser.findUnique({ where: { id: r.advertiser_id! }, select: { id: true } }))) {
    throw new NotFoundError(`advertiser ${r.advertiser_id} not found`);
  }
  const created = await prisma.alertRule.create({
    data: {
      advertiserId: r.advertiser_id ?? null,
      offerId: r.offer_id ?? null,
      windowMinutes: r.window_minutes,
      minConversions: r.min_conversions,
      // Rounded as numeric(5,2) keeps it, so the answer says what is stored.
      maxRejectionRatePercent: Math.round(r.max_rejection_rate_percent * 100) / 100,
      webhookUrl: r.webhook_url,
      notifyResolved: r.notify_resolved,
    },
  });
  return alertRuleOf(created);
}

async function liveOne(prisma: PrismaClient, rawId: unknown): Promise<AlertRule> {
  const id = parseInput(int4Id, rawId, 'id');
  const r = await prisma.alertRule.findFirst({ where: { id, deletedAt: null } });
  if (!r) throw new NotFoundError(`alert rule ${id} not found`);
  return r;
}

export async function showAlertRule(prisma: PrismaClient, rawId: unknown) {
  return alertRuleOf(await liveOne(prisma, rawId));
}

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const alertRuleQuery = z.strictObject({
  advertiser_id: int4Id.optional(),
  offer_id: int4Id.optional(),
  state: z.enum(['ok', 'firing']).optional(),
  ...pagingFields,
});

/** Alert rules not deleted, oldest first. */
export async function listAlertRules(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(alertRuleQuery, rawQuery);
  const rows = await prisma.alertRule.findMany({
    where: { id: afterCursor(q.cursor), deletedAt: null, advertiserId: q.advertiser_id, offerId: q.offer_id, state: q.state },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return { alert_rules: page.rows.map(alertRuleOf), next_cursor: page.next_cursor };
}

/** Stops evaluating it; its row stays (deleted_at) so its notifications and delivery log still name it. */
export async function deleteAlertRule(prisma: PrismaClient, rawId: unknown) {
  const r = await liveOne(prisma, rawId);
  await prisma.alertRule.update({ where: { id: r.id }, data: { deletedAt: new Date() } });
  return { id: r.id };
}
