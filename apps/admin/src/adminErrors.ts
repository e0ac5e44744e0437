import { isStoreUnreachable, TransientStoreError } from '@postback/core';

/** Bad input to an admin operation: the HTTP API answers 400, the CLI prints it and exits 2. */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The thing an admin operation names does not exist: 404 on the API. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * The store an admin operation could not reach, or undefined for any other error: 503 on the API, exit 1 on the
 * CLI. Redis failures arrive as TransientStoreError already (see redisGate.ts); Postgres is the only other store.
 */
export function storeOutage(err: unknown): TransientStoreError | undefined {
  if (err instanceof TransientStoreError) return err;
  if (isStoreUnreachable(err)) return new TransientStoreError('postgres unreachable (DATABASE_URL)', { cause: err });
  return undefined;
}
