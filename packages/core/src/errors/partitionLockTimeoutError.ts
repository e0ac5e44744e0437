/**
 * A postback_log maintenance step (creating, detaching or dropping a partition) could not get its lock within
 * lock_timeout on any of its tries: something held the table that long each time. Nothing was changed; the next
 * maintenance run tries again.
 */
export class PartitionLockTimeoutError extends Error {
  override name = 'PartitionLockTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
