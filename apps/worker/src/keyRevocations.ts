import type { KeyRegistry, PrismaClient } from '@postback/core';

/** Where the worker reads the revocations Redis holds (the key registry). */
export type RevocationsInRedis = Pick<KeyRegistry, 'revokedSeqs'>;

/**
 * The revocation sequence number of each revoked endpoint among the batch's (each id once), from both places that hold it:
 * Redis has it from the moment of the revocation (the admin writes Redis first), Postgres keeps it for good (a
 * Redis that lost its data). Both hold the same number once both are written; should they differ (a revocation
 * repeated after Redis lost the first one), the earlier one counts.
 *
 * Both are read at once, and before the batch's transaction: no row lock waits on them, and the transaction has
 * one round trip fewer. Every postback of the batch was given its seq before these reads, so a revocation both
 * reads miss came after all of them, and changes nothing for this batch.
 */
export async function keyRevocations(
  db: Pick<PrismaClient, '$queryRaw'>,
  endpointIds: readonly number[],
  inRedis: RevocationsInRedis,
): Promise<Map<number, number>> {
  const revoked = new Map<number, number>();
  if (endpointIds.length === 0) return revoked;
  const [rows, redisSeqs] = await Promise.all([
    db.$queryRaw<Array<{ id: number; revoked_seq: bigint }>>`
      SELECT id, revoked_seq FROM rejection_endpoints WHERE id = ANY(${endpointIds}::int[]) AND revoked_seq IS NOT NULL`,
    inRedis.revokedSeqs(endpointIds),
  ]);
  for (const r of rows) revoked.set(r.id, Number(r.revoked_seq));
  for (const [id, seq] of redisSeqs) revoked.set(id, Math.min(seq, revoked.get(id) ?? seq));
  return revoked;
}
