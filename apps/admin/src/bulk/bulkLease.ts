import type { PrismaClient } from '@postback/core';
import { RECEIVED_SINCE_STAGING_MS, type BulkUpload, type OutcomeCounts } from './bulkRecords.js';

/** Another admin process took the upload over (this one's lease lapsed): this one stops working on it. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

type Ending = 'applying' | 'completed' | 'cancelled' | 'failed';

/**
 * The writes of one admin process working on uploads, each under a lease in bulk_rejections (lease_owner,
 * lease_until, on Postgres's clock): one process queues an upload at a time, and any other takes it over once the
 * lease lapses (a crash), or at once when the holder let it go (a shutdown). Every progress write renews the lease,
 * and fails with LeaseLostError once another process holds it.
 */
export class BulkLease {
  constructor(
    private readonly prisma: PrismaClient,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Takes the oldest upload still being queued that no process holds (or that one, when `only` names it). */
  async claim(only?: string): Promise<BulkUpload | undefined> {
    const claimed = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE bulk_rejections SET lease_owner = ${this.owner}, lease_until = now() + ${this.leaseMs} * interval '1 millisecond'
      WHERE id = (SELECT id FROM bulk_rejections
                  WHERE status = 'running' AND (lease_until IS NULL OR lease_until < now())
                    AND (${only ?? null}::uuid IS NULL OR id = ${only ?? null}::uuid)
                  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id::text`;
    if (claimed.length === 0) return undefined;
    return (await this.prisma.bulkRejection.findUnique({ where: { id: claimed[0]!.id } })) ?? undefined;
  }

  /**
   * Written before a chunk is queued: the last line it takes and its time of queuing. A run cut short before
   * recordQueued queues that very chunk again at that time (the same rows, so the same ids and received_at).
   * Answers whether a cancel was asked for.
   */
  async writeAhead(id: string, throughLine: number, at: Date): Promise<boolean> {
    return this.renewed(await this.prisma.$queryRaw<Array<{ cancel_requested: boolean }>>`
      UPDATE bulk_rejections SET queuing_through_line = ${throughLine}, queuing_at = ${at.toISOString()}::timestamptz,
                                 lease_until = now() + ${this.leaseMs} * interval '1 millisecond'
      WHERE id = ${id}::uuid AND lease_owner = ${this.owner} RETURNING cancel_requested`);
  }

  /** A chunk of `count` rows, up to `throughLine`, is in the queue. Answers whether a cancel was asked for. */
  async recordQueued(id: string, count: number, throughLine: number): Promise<boolean> {
    return this.renewed(await this.prisma.$queryRaw<Array<{ cancel_requested: boolean }>>`
      UPDATE bulk_rejections SET queued = queued + ${count}, queued_through_line = ${throughLine}, queuing_through_line = NULL, queuing_at = NULL,
                                 lease_until = now() + ${this.leaseMs} * interval '1 millisecond'
      WHERE id = ${id}::uuid AND lease_owner = ${this.owner} RETURNING cancel_requested`);
  }

  /** A dry run evaluated its rows up to `throughLine`, with these counts so far. */
  async recordEvaluated(id: string, outcomes: OutcomeCounts, throughLine: number): Promise<boolean> {
    return this.renewed(await this.prisma.$queryRaw<Array<{ cancel_requested: boolean }>>`
      UPDATE bulk_rejections SET dry_run_outcomes = ${JSON.stringify(outcomes)}::jsonb, queued_through_line = ${throughLine},
                                 lease_until = now() + ${this.leaseMs} * interval '1 millisecond'
      WHERE id = ${id}::uuid AND lease_owner = ${this.owner} RETURNING cancel_requested`);
  }

  /**
   * The upload leaves `running`: every row queued (applying), a dry run done (completed), cancelled, or failed. Its
   * valid staged rows have served (the queued ones live on as postbacks) and go; the invalid ones stay for the report.
   */
  async end(id: string, ending: Ending, error?: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        UPDATE bulk_rejections SET status = ${ending}::bulk_rejection_status, error = ${error ?? null},
               finished_at = CASE WHEN ${ending} = 'applying' THEN NULL ELSE now() END, lease_owner = NULL, lease_until = NULL
        WHERE id = ${id}::uuid AND lease_owner = ${this.owner}`,
      this.prisma.$executeRaw`DELETE FROM bulk_rejection_rows WHERE bulk_id = ${id}::uuid AND error IS NULL`,
    ]);
  }

  /** Lets the upload go without ending it (a shutdown, a store outage): another process, or this one later, goes on. */
  async release(id: string, retryAfterMs = 0): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE bulk_rejections SET lease_owner = NULL,
             lease_until = CASE WHEN ${retryAfterMs} > 0 THEN now() + ${retryAfterMs} * interval '1 millisecond' END
      WHERE id = ${id}::uuid AND lease_owner = ${this.owner}`;
  }

  private renewed(rows: Array<{ cancel_requested: boolean }>): boolean {
    if (rows.length === 0) throw new LeaseLostError('another admin process took the upload over');
    return rows[0]!.cancel_requested;
  }
}

/**
 * Marks completed every upload whose queued rows are all applied (each has its postback_log row); a row that
 * dead-lettered keeps its upload applying until it is replayed. Idempotent, so any process may run it. The rows are
 * looked for from an hour before the staging on (see RECEIVED_SINCE_STAGING).
 */
export async function completeApplied(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`
    UPDATE bulk_rejections b SET status = 'completed', finished_at = now()
    WHERE b.status = 'applying'
      AND b.queued <= (SELECT count(*) FROM postback_log l
                       WHERE l.bulk_id = b.id AND l.received_at >= b.staged_at - ${RECEIVED_SINCE_STAGING_MS} * interval '1 millisecond')`;
}

/**
 * Asks an upload to stop queuing. One that no process holds (none runs, or its holder stopped) is cancelled here at
 * once; a held one stops at its holder's next progress write. Rows already queued still apply.
 */
export async function requestCancel(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.$executeRaw`UPDATE bulk_rejections SET cancel_requested = true WHERE id = ${id}::uuid AND status = 'running'`;
  await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE bulk_rejections SET status = 'cancelled', finished_at = now()
      WHERE id = ${id}::uuid AND status = 'running' AND (lease_owner IS NULL OR lease_until < now())`,
    prisma.$executeRaw`
      DELETE FROM bulk_rejection_rows r USING bulk_rejections b
      WHERE r.bulk_id = ${id}::uuid AND r.error IS NULL AND b.id = r.bulk_id AND b.status = 'cancelled'`,
  ]);
}
