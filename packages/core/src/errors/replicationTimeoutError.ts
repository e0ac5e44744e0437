import { TransientStoreError } from './transientStoreError.js';

/**
 * Fewer replicas than ACK_REPLICAS confirmed a write in time (Redis WAIT), or the write's connection was gone
 * before they could: the primary may hold the write, but a failover could lose it, so it is not acknowledged. A
 * TransientStoreError: the receiver answers 503 with Retry-After, the admin 503, the CLI exits 1; doing the write
 * again is harmless (a postback's retry is `unchanged`, a replay or a key's registration is idempotent).
 */
export class ReplicationTimeoutError extends TransientStoreError {
  override name = 'ReplicationTimeoutError';
  constructor(
    readonly wanted: number,
    readonly confirmed: number,
    why: string,
  ) {
    super(`write not replicated: ${confirmed} of ${wanted} replicas confirmed it (${why})`);
  }
}
