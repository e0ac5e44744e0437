import type { ConversionStatus, Prisma, PrismaClient } from '@postback/core';
import type { AdminDeps } from '../../apps/admin/src/services/adminDeps.js';
import { createRejectionEndpoint } from '../../apps/admin/src/services/rejectionEndpoints.js';

let counter = 0;
const unique = (what: string) => `${what}-${process.pid}-${++counter}`;

export async function givenAdvertiser(prisma: PrismaClient) {
  return prisma.advertiser.create({ data: { name: unique('advertiser') } });
}

export async function givenOffer(prisma: PrismaClient, advertiserId?: number) {
  const advertiser = advertiserId ?? (await givenAdvertiser(prisma)).id;
  return prisma.offer.create({ data: { advertiserId: advertiser, name: unique('offer') } });
}

export async function givenConversion(
  prisma: PrismaClient,
  opts: { offerId: number; status?: ConversionStatus; rejectedReason?: string | null; transactionId?: string },
): Promise<Prisma.ConversionGetPayload<object>> {
  return prisma.conversion.create({
    data: {
      transactionId: opts.transactionId ?? unique('tx'),
      offerId: opts.offerId,
      status: opts.status ?? 'approved',
      rejectedReason: opts.rejectedReason ?? null,
    },
  });
}

/** A rejection URL as an operator would create it: through the admin service, registered for the receivers. */
export async function givenRejectionUrl(deps: AdminDeps, scope: { advertiserId: number } | { offerId: number }) {
  return createRejectionEndpoint(
    deps,
    'offerId' in scope ? { offer_id: scope.offerId } : { advertiser_id: scope.advertiserId },
  );
}
