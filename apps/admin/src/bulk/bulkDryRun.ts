import { conversionStateOf, decide, type ConversionStateRow, type PrismaClient, type Scope } from '@postback/core';
import type { RowToQueue } from './bulkJobs.js';
import type { BulkOutcome, OutcomeCounts } from './bulkRecords.js';

// A row queued now would take a receipt sequence number above every postback received so far, so no applied
// postback supersedes it: the highest number there is stands for "received now".
const RECEIVED_NOW = Number.MAX_SAFE_INTEGER;

/**
 * What a chunk of a dry run's rows would do if queued now, by outcome: the pure rules of the worker (decide) on each
 * conversion as it stands. A file's transaction ids are unique (repeats are invalid rows), so no row of it sees
 * another's effect.
 */
export async function wouldDo(prisma: PrismaClient, scope: Scope, rows: readonly RowToQueue[], into: OutcomeCounts): Promise<void> {
  const found = await prisma.$queryRaw<Array<ConversionStateRow & { transaction_id: string }>>`
    SELECT c.transaction_id, c.status::text AS status, c.rejected_reason, c.offer_id, o.advertiser_id, c.last_postback_seq
    FROM conversions c JOIN offers o ON o.id = c.offer_id
    WHERE c.transaction_id = ANY(${rows.map((r) => r.transactionId)}::text[])`;
  const states = new Map(found.map((r) => [r.transaction_id, conversionStateOf(r)]));
  for (const row of rows) {
    const { outcome } = decide(states.get(row.transactionId) ?? null, { seq: RECEIVED_NOW, reason: row.reason, scope });
    into[outcome as BulkOutcome] += 1;
  }
}
