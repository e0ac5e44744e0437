import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AffiliateEvent, Prisma, PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { parseAffiliatePostback } from './affiliatePostbackInput.js';
import { int4Id } from './inputTypes.js';
import { afterCursor, pageOf, pagingFields } from './listPaging.js';
import { parseInput } from './parseInput.js';

type AffiliatePostback = Prisma.AffiliatePostbackGetPayload<object>;

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64, as the spec's libraries generate them. */
export const generateSigningSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** An affiliate postback as the API shows it: never its secret, only whether it has one. */
export function affiliatePostbackOf(p: AffiliatePostback) {
  return {
    id: p.id,
    publisher_id: p.publisherId,
    offer_id: p.offerId,
    url: p.url,
    method: p.method as 'GET' | 'POST' | 'PUT',
    headers: p.headers as Record<string, string>,
    body: p.body,
    // The table's CHECK keeps events within AFFILIATE_EVENTS.
    events: p.events as AffiliateEvent[],
    reasons: p.reasons,
    delay_seconds: p.delaySeconds,
    signed: p.secret !== null,
    status: p.status as 'active' | 'paused',
    paused_reason: p.pausedReason,
    paused_at: p.pausedAt?.toISOString() ?? null,
    created_at: p.createdAt.toISOString(),
  };
}

/** A created affiliate postback: with its signing secret, the one time it is shown, when it has one. */
export type NewAffiliatePostback = ReturnType<typeof affiliatePostbackOf> & { secret?: string };

/**
 * Sets up an affiliate postback: fired when one of the publisher's conversions (or one offer's) changes by one of
 * its events. The signing secret, when asked for, is returned here once; the API never shows it again.
 */
export async function createAffiliatePostback(prisma: PrismaClient, input: unknown): Promise<NewAffiliatePostback> {
  const p = parseAffiliatePostback(input);
  const publisher = await prisma.publisher.findUnique({ where: { id: p.publisher_id }, select: { id: true } });
  if (!publisher) throw new NotFoundError(`publisher ${p.publisher_id} not found`);
  if (p.offer_id !== undefined) {
    const offer = await prisma.offer.findUnique({ where: { id: p.offer_id }, select: { id: true } });
    if (!offer) throw new NotFoundError(`offer ${p.offer_id} not found`);
  }
  const secret = p.signing ? generateSigningSecret() : null;
  const created = await prisma.affiliatePostback.create({
    data: {
      publisherId: p.publisher_id,
      offerId: p.offer_id ?? null,
      url: p.url,
      method: p.method,
      headers: p.headers,
      body: p.body ?? null,
      // The table's CHECK keeps events within AFFILIATE_EVENTS.
    events: p.events as AffiliateEvent[],
      reasons: p.reasons,
      delaySeconds: p.delay_seconds,
      secret,
    },
  });
  const shown = affiliatePostbackOf(created);
  return secret === null ? shown : { ...shown, secret };
}

/** A live (not deleted) affiliate postback, or a 404. */
async function liveOne(prisma: PrismaClient, rawId: unknown): Promise<AffiliatePostback> {
  const id = parseInput(int4Id, rawId, 'id');
  const p = await prisma.affiliatePostback.findFirst({ where: { id, deletedAt: null } });
  if (!p) throw new NotFoundError(`affiliate postback ${id} not found`);
  return p;
}

export async function showAffiliatePostback(prisma: PrismaClient, rawId: unknown) {
  return affiliatePostbackOf(await liveOne(prisma, rawId));
}

// Strict: a misspelt filter is a 400, never a silently unfiltered answer.
export const affiliatePostbackQuery = z.strictObject({
  publisher_id: int4Id.optional(),
  offer_id: int4Id.optional(),
  status: z.enum(['active', 'paused']).optional(),
  ...pagingFields,
});

/** Affiliate postbacks not deleted, oldest first, optionally of one publisher, one offer, one status. */
export async function listAffiliatePostbacks(prisma: PrismaClient, rawQuery: unknown) {
  const q = parseInput(affiliatePostbackQuery, rawQuery);
  const rows = await prisma.affiliatePostback.findMany({
    where: { id: afterCursor(q.cursor), deletedAt: null, publisherId: q.publisher_id, offerId: q.offer_id, status: q.status },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const page = pageOf(rows, q.limit);
  return { affiliate_postbacks: page.rows.map(affiliatePostbackOf), next_cursor: page.next_cursor };
}

async function update(prisma: PrismaClient, id: number, data: Prisma.AffiliatePostbackUpdateInput) {
  return prisma.affiliatePostback.update({ where: { id }, data: { ...data, updatedAt: new Date() } });
}

/**
 * Stops its deliveries: pending notifications are recorded as skipped when their turn comes. Pausing a paused one
 * changes nothing (its reason, which may be the worker's "410 Gone from …", is kept).
 */
export async function pauseAffiliatePostback(prisma: PrismaClient, rawId: unknown, operator: string) {
  const p = await liveOne(prisma, rawId);
  if (p.status === 'paused') return affiliatePostbackOf(p);
  return affiliatePostbackOf(await update(prisma, p.id, { status: 'paused', pausedReason: `paused by ${operator}`, pausedAt: new Date() }));
}

/** Fires again from the next change on; clears why and when it was paused. */
export async function resumeAffiliatePostback(prisma: PrismaClient, rawId: unknown) {
  const p = await liveOne(prisma, rawId);
  if (p.status === 'active') return affiliatePostbackOf(p);
  return affiliatePostbackOf(await update(prisma, p.id, { status: 'active', pausedReason: null, pausedAt: null }));
}

/**
 * Deletes it: gone from the list and lookups, never fired again; its row stays (deleted_at) so the delivery log
 * still names it.
 */
export async function deleteAffiliatePostback(prisma: PrismaClient, rawId: unknown) {
  const p = await liveOne(prisma, rawId);
  await update(prisma, p.id, { deletedAt: new Date() });
  return { id: p.id, publisher_id: p.publisherId };
}
