import type { PrismaClient } from '@postback/core';

export interface NotificationRetentionOptions {
  retentionDays: number;
  batchSize: number;
  signal?: AbortSignal;
}

/**
 * Deletes the notifications recorded as final (delivered, failed, skipped) and created more than retentionDays ago,
 * batchSize rows per statement so no statement holds many locks or runs long; their delivery attempts go with them
 * (ON DELETE CASCADE). A pending notification (waiting, sending) is never deleted, however old: it has not been
 * delivered yet. Returns how many were deleted.
 */
export async function pruneNotifications(prisma: PrismaClient, opts: NotificationRetentionOptions): Promise<number> {
  let deleted = 0;
  for (;;) {
    if (opts.signal?.aborted) return deleted;
    const n = await prisma.$executeRaw`
      DELETE FROM notifications
      WHERE id IN (
        SELECT id FROM notifications
        WHERE created_at < now() - ${opts.retentionDays}::int * interval '1 day'
          AND state IN ('delivered', 'failed', 'skipped')
        ORDER BY created_at
        LIMIT ${opts.batchSize}::int
        FOR UPDATE SKIP LOCKED)`;
    deleted += n;
    if (n < opts.batchSize) return deleted;
  }
}
