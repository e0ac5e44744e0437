import type { KeyRegistry, PrismaClient } from '@postback/core';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Where the worker reads the revocations Redis holds (the key registry). */
export type RevocationsInRedis = Pick<KeyRegistry, 'revokedSeqs'>;

/**
 * The revocation sequence number of each revoked endpoint among the batch's (each id once), from both places that hold it:
 * Redis has it from the moment of the revocation (the admin writes Redis first), Postgres keeps it for good (a
 * Redis that lost its data). Both hold the same number once both are written; should they differ (a revocation
 * repeated after Redis lost the first one), the earlier one counts.
 */
export async function keyRevocations(
  tx: Tx,
  endpointIds: readonly number[],
  inRedis: ReadonlyMap<number, number>,
): Promise<Map<number, number>> {
  const revoked = new Map<number, number>();
  if (endpointIds.length === 0) return revoked;
  const rows = await tx.$queryRaw<Array<{ id: number; revoked_seq: bigint }>>`
    SELECT id, revoked_seq FROM rejection_endpoints WHERE id = ANY(${endpointIds}::int[]) AND revoked_seq IS NOT NULL`;
  for (const r of rows) revoked.set(r.id, Number(r.revoked_seq));
  for (const id of endpointIds) {
    const seq = inRedis.get(id);
    if (seq !== undefined) revoked.set(id, Math.min(seq, revoked.get(id) ?? seq));
  }
  return revoked;
}
