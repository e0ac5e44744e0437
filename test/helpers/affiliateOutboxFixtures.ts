import { Queue } from 'bullmq';
import {
  createWorkerRedis,
  DELIVERY_QUEUE_NAME,
  deliveryQueueTag,
  type AffiliateEvent,
  type Config,
  type DeliveryJob,
  type Prisma,
  type PrismaClient,
} from '@postback/core';
import { givenConversion } from './fixtures.js';

let counter = 0;
const unique = (what: string) => `${what}-${process.pid}-${++counter}`;

export async function givenPublisher(prisma: PrismaClient) {
  return prisma.publisher.create({ data: { name: unique('publisher') } });
}

/** A conversion earned by a publisher (the import's publisher_id). */
export async function givenPublishedConversion(
  prisma: PrismaClient,
  opts: { offerId: number; publisherId: number; status?: 'approved' | 'pending' | 'rejected'; rejectedReason?: string | null },
): Promise<Prisma.ConversionGetPayload<object>> {
  const c = await givenConversion(prisma, { offerId: opts.offerId, status: opts.status, rejectedReason: opts.rejectedReason });
  return prisma.conversion.update({ where: { id: c.id }, data: { publisherId: opts.publisherId } });
}

/**
 * An affiliate postback as the admin would store it. Its URL is on a reserved name (.example never resolves), so a
 * delivery worker, when one runs, retries it instead of delivering or dead-lettering it while a test looks.
 */
export async function givenAffiliatePostback(
  prisma: PrismaClient,
  opts: {
    publisherId: number;
    offerId?: number | null;
    events?: AffiliateEvent[];
    reasons?: string[];
    delaySeconds?: number;
    url?: string;
    status?: 'active' | 'paused';
    deleted?: boolean;
  },
): Promise<Prisma.AffiliatePostbackGetPayload<object>> {
  return prisma.affiliatePostback.create({
    data: {
      publisherId: opts.publisherId,
      offerId: opts.offerId ?? null,
      url: opts.url ?? 'https://affiliate.example/pb?t={transaction_id}&s={status}',
      events: opts.events ?? ['rejected', 'reason_updated'],
      reasons: opts.reasons ?? [],
      delaySeconds: opts.delaySeconds ?? 120,
      status: opts.status ?? 'active',
      deletedAt: opts.deleted ? new Date() : null,
    },
  });
}

/** The delivery queue the relay hands notifications to, on a connection of the test's own. */
export function openDeliveryQueue(cfg: Config): { queue: Queue<DeliveryJob>; close: () => Promise<void> } {
  const connection = createWorkerRedis(cfg);
  const queue = new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection, prefix: deliveryQueueTag(cfg.QUEUE_PREFIX) });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
