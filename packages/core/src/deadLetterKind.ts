import { postbackJobSchema } from './postbackJob.js';
import { sqlStateOf } from './storeErrors.js';

/**
 * What kind of failure dead-lettered a job, for an operator's filter: "unreadable" for a payload the worker could
 * not parse, the SQLSTATE of a statement Postgres refused ("23514", "P0001"), or else the error's class name.
 */
export function deadLetterKindOf(jobData: unknown, err: unknown): string {
  if (!postbackJobSchema.safeParse(jobData).success) return 'unreadable';
  const sqlState = sqlStateOf(err);
  if (sqlState) return sqlState;
  return err instanceof Error ? err.name : 'unknown';
}
