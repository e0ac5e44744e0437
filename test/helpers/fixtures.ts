import { sqlStateOf, type ConversionStatus, type Prisma, type PrismaClient } from '@postback/core';
import type { AdminDeps } from '../../apps/admin/src/wiring/adminDeps.js';
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

/**
 * A fault an operator can fix: Postgres refuses to log postbacks (of one transaction id, or all) with a plain
 * exception (SQLSTATE P0001, so the worker retries before it dead-letters). Returns the fix, which drops it.
 */
export async function givenPostbackLogRefusing(prisma: PrismaClient, transactionId?: string): Promise<() => Promise<void>> {
  const name = unique('refuse').replace(/\W/g, '_');
  const condition = transactionId === undefined ? 'TRUE' : `NEW.transaction_id = '${transactionId.replace(/'/g, "''")}'`;
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION ${name}() RETURNS trigger AS $$
    BEGIN
      IF ${condition} THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await retriedOnDeadlock(() => prisma.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON postback_log FOR EACH ROW EXECUTE FUNCTION ${name}()`));
  return async () => {
    await retriedOnDeadlock(() => prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON postback_log`));
  };
}

/**
 * A trigger's DDL on postback_log locks the parent, then each partition, while a running worker's batch may hold a
 * partition and wait for the parent: Postgres breaks that deadlock (40P01) by cancelling one side, at times the DDL.
 */
async function retriedOnDeadlock(ddl: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ddl();
      return;
    } catch (err) {
      if (sqlStateOf(err) !== '40P01' || attempt >= 5) throw err;
    }
  }
}

/**
 * Postgres refuses to create an advertiser of this name with an error of the given SQLSTATE (a data exception such
 * as 22003 that slipped past the admin's input schemas, or a plain P0001). Returns the fix, which drops the trigger.
 */
export async function givenAdvertiserNameRefused(prisma: PrismaClient, name: string, sqlState: string): Promise<() => Promise<void>> {
  const fn = unique('refuse_advertiser').replace(/\W/g, '_');
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION ${fn}() RETURNS trigger AS $$
    BEGIN
      IF NEW.name = '${name.replace(/'/g, "''")}' THEN RAISE EXCEPTION 'refused by test trigger' USING ERRCODE = '${sqlState}'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER ${fn} BEFORE INSERT ON advertisers FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  return async () => {
    await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${fn} ON advertisers`);
  };
}
