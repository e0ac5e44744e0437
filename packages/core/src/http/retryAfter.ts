/** Seconds a client should wait before retrying when a store (Redis, Postgres) could not be reached. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * A `Retry-After` value for a limit that resets in `ms`: whole seconds, rounded up, and never 0, which would invite
 * a retry at once that is refused again.
 */
export function retryAfterSecondsOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
