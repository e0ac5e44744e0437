/**
 * An attempt that failed in a way worth retrying (a network error, a timeout, 5xx, 408, 429). The worker's backoff
 * strategy reads retryAfterMs: the wait the destination asked for in its Retry-After, when it gave one.
 */
export class RetryDeliveryError extends Error {
  override name = 'RetryDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
