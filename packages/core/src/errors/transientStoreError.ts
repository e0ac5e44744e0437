/**
 * A store (Redis for the receiver, Postgres for the worker) could not be reached or refused the work for a
 * reason that goes away by itself. The receiver answers 503; the worker waits and tries again without
 * spending an attempt.
 */
export class TransientStoreError extends Error {
  override name = 'TransientStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
