import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient };
export type { Prisma } from './generated/prisma/client.js';

/**
 * Prisma 7 runs on the pg driver adapter: no query-engine binary. `asyncCommit`: its connections commit without
 * waiting for the WAL flush (synchronous_commit off: a Postgres crash may lose the last moment's commits, never
 * corrupts), for writers whose work is safe to redo (the delivery worker's bookkeeping).
 */
export function createPrisma(databaseUrl: string, poolSize = 10, opts: { asyncCommit?: boolean } = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: poolSize,
    ...(opts.asyncCommit ? { options: '-c synchronous_commit=off' } : {}),
  });
  return new PrismaClient({ adapter });
}
