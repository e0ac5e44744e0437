import type { KeyRegistry, PrismaClient } from '@postback/core';

/** Where the worker reads the revocations Redis holds (the key registry). */
export type RevocationsInRedis = Pick<KeyRegistry, 'revokedSeqs'>;

/** What the batch's postbacks meet about their keys: revocation sequence numbers and rotated keys' expiries. */
export interface KeyRevocations {
  /** Endpoint id → its revocation sequence number, for the revoked ones. */
  seqs: Map<number, number>;
  /** Endpoint id → the end of its grace period (epoch ms), for the rotated ones. */
  expiries: Map<number, number>;
}

/**
 * The revocation sequence number of each revoked endpoint among the batch's (each id once), from both places that hold it:
 * Redis has it from the moment of the revocation (the admin writes Redis first), Postgres keeps it for good (a
 * Redis that lost its data). Both hold the same number once both are written; should they differ (a revocation
 * repeated after Redis lost the first one), the earlier one counts. A rotated key's expiry comes from Postgres,
 * where the rotation commits it before the receivers learn of it.
 *
 * Both are read at once, and before the batch's transaction: no row lock waits on them, and the transaction has
 * one round trip fewer. Every postback of the batch was given its seq before these reads, so a revocation both
 * reads miss came after all of them, and changes nothing for this batch.
 */
export async function keyRevocations(
  db: Pick<PrismaClient, '$queryRaw'>,
  endpointIds: readonly number[],
  inRedis: RevocationsInRedis,
): Promise<KeyRevocations> {
  const revoked: KeyRevocations = { seqs: new Map(), expiries: new Map() };
  if (endpointIds.length === 0) return revoked;
  const [rows, redisSeqs] = await Promise.all([
    db.$queryRaw<Array<{ id: number; revoked_seq: bigint | null; expires_at: Date | null }>>`
      SELECT id, revoked_seq, expires_at FROM rejection_endpoints
      WHERE id = ANY(${endpointIds}::int[]) AND (revoked_seq IS NOT NULL OR expires_at IS NOT NULL)`,
    inRedis.revokedSeqs(endpointIds),
  ]);
  for (const r of rows) {
    if (r.revoked_seq !== null) revoked.seqs.set(r.id, Number(r.revoked_seq));
    if (r.expires_at !== null) revoked.expiries.set(r.id, r.expires_at.getTime());
  }
  for (const [id, seq] of redisSeqs) revoked.seqs.set(id, Math.min(seq, revoked.seqs.get(id) ?? seq));
  return revoked;
}
