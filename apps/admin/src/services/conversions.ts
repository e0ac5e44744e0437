import { z } from 'zod';
import { CONVERSION_STATUSES, REASON_MAX, TRANSACTION_ID_MAX, type ConversionStatus, type PrismaClient } from '@postback/core';
import { AdminInputError, NotFoundError } from '../adminErrors.js';
import { decimalAmount, int4Id, text } from './inputTypes.js';
import { parseInput } from './parseInput.js';

export const conversionInput = z.object({
  transaction_id: text(TRANSACTION_ID_MAX),
  offer_id: int4Id,
  status: z.enum(CONVERSION_STATUSES),
  /** conversions.payout is numeric(12,4). */
  payout: decimalAmount(12, 4).optional(),
  rejected_reason: text(REASON_MAX).optional(),
  /** The publisher (affiliate) who earned it, whose affiliate postbacks are told of its rejection. */
  publisher_id: int4Id.optional(),
  /** The affiliate's own click label (conversions.sub_id is varchar(255)), given back as the {sub_id} macro. */
  sub_id: text(255).optional(),
});
export const importInput = z.object({ conversions: z.array(conversionInput).min(1).max(10_000) });

/**
 * Loads conversions the platform tracked and attributed. A transaction id that already exists is left as it is
 * (the import can be re-run safely); `imported` counts the new ones.
 */
export async function importConversions(prisma: PrismaClient, input: unknown) {
  const { conversions } = parseInput(importInput, input);
  const offerIds = [...new Set(conversions.map((c) => c.offer_id))];
  const found = await prisma.offer.findMany({ where: { id: { in: offerIds } }, select: { id: true } });
  const missing = offerIds.filter((id) => !found.some((o) => o.id === id));
  if (missing.length > 0) throw new AdminInputError(`unknown offer id(s): ${missing.join(', ')}`, 'offer_id');
  await refuseUnknownPublishers(prisma, conversions);
  const result = await prisma.conversion.createMany({
    data: conversions.map((c) => ({
      transactionId: c.transaction_id,
      offerId: c.offer_id,
      status: c.status as ConversionStatus,
      payout: c.payout,
      rejectedReason: c.status === 'rejected' ? (c.rejected_reason ?? null) : null,
      publisherId: c.publisher_id ?? null,
      subId: c.sub_id ?? null,
    })),
    skipDuplicates: true,
  });
  return { imported: result.count };
}

/** A 400 naming every publisher id the conversions give that does not exist (the foreign key would say less). */
async function refuseUnknownPublishers(prisma: PrismaClient, conversions: Array<{ publisher_id?: number }>) {
  const ids = [...new Set(conversions.flatMap((c) => (c.publisher_id === undefined ? [] : [c.publisher_id])))];
  if (ids.length === 0) return;
  const found = await prisma.publisher.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const missing = ids.filter((id) => !found.some((p) => p.id === id));
  if (missing.length > 0) throw new AdminInputError(`unknown publisher id(s): ${missing.join(', ')}`, 'publisher_id');
}

export const transactionIdParam = text(TRANSACTION_ID_MAX);

/**
 * A conversion with its status history, oldest change first (by the history's id: the order the worker wrote
 * them). From the primary: the operator asks right after a postback's 202, and a replica a moment behind would
 * show the conversion as it was.
 */
export async function showConversion(prisma: PrismaClient, transactionId: string) {
  const c = await prisma.conversion.findUnique({
    where: { transactionId: parseInput(transactionIdParam, transactionId, 'transaction_id') },
    include: { offer: { select: { advertiserId: true } } },
  });
  if (!c) throw new NotFoundError(`conversion ${transactionId} not found`);
  const history = await prisma.conversionStatusHistory.findMany({ where: { conversionId: c.id }, orderBy: { id: 'asc' } });
  return {
    transaction_id: c.transactionId,
    offer_id: c.offerId,
    advertiser_id: c.offer.advertiserId,
    publisher_id: c.publisherId,
    sub_id: c.subId,
    status: c.status as ConversionStatus,
    rejected_reason: c.rejectedReason,
    payout: c.payout === null ? null : c.payout.toString(),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    history: history.map((h) => ({
      from_status: h.fromStatus as ConversionStatus,
      to_status: h.toStatus as ConversionStatus,
      old_reason: h.oldReason,
      new_reason: h.newReason,
      postback_id: h.postbackId,
      changed_at: h.changedAt.toISOString(),
    })),
  };
}
