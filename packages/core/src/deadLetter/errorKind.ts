import { sqlStateOf } from '../storeErrors.js';

/** What errorKindOf goes by: a dead-letter entry (or the job about to become one) and whether its payload reads. */
export interface FailureFacts {
  /** Whether the job's payload passes its kind's schema. */
  readable: boolean;
  failedReason?: string;
  /** The kind recorded when the job was dead-lettered, if it was. */
  errorKind?: string;
}

// Prisma quotes the SQLSTATE in its message ("Raw query failed. Code: `23514`"): the one clue an entry moved by the
// sweep, or dead-lettered before kinds were recorded, keeps.
const QUOTED_SQLSTATE = /Code: `([0-9A-Z]{5})`/;

/**
 * What kind of failure dead-lettered a job, for operators' filters: the kind recorded at the move if there is one;
 * else "unreadable" for a payload its schema refuses, the SQLSTATE of a statement Postgres refused ("23514",
 * "P0001") from the error or quoted in the reason, the error's class name, or "unknown". The worker calls it with
 * the error when it moves a job; readers call it without, for entries that recorded no kind.
 */
export function errorKindOf(facts: FailureFacts, error?: unknown): string {
  if (facts.errorKind) return facts.errorKind;
  if (!facts.readable) return 'unreadable';
  const sqlState = sqlStateOf(error) ?? QUOTED_SQLSTATE.exec(facts.failedReason ?? '')?.[1];
  if (sqlState) return sqlState;
  return error instanceof Error ? error.name : 'unknown';
}
