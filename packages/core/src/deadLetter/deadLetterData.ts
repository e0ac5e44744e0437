/** The name every dead-letter entry carries, whatever queue it came from. */
export const DEAD_LETTER_JOB_NAME = 'dead';

/**
 * What a dead-letter queue keeps about a job that failed for good, under the job's own id. Entries written by
 * every earlier version have this shape, so it only ever gains optional fields.
 */
export interface DeadLetterData {
  /** The job's data as it was queued (its kind's payload, unless it was unreadable). */
  job: unknown;
  failedReason: string;
  /** One entry per failed attempt, oldest first. */
  errors: string[];
  attemptsMade: number;
  deadLetteredAt: number;
  /** See errorKindOf; absent on entries moved by the sweep or dead-lettered before the field existed. */
  errorKind?: string;
}
