import { isStoreUnreachable, sqlStateOf, TransientStoreError } from '@postback/core';

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

/** An upload in a format or encoding the admin does not read (a bulk rejection file): 415 on the API. */
export class UnsupportedMediaTypeError extends AdminInputError {
  override name = 'UnsupportedMediaTypeError';
}

/** An upload larger than the admin takes (a bulk rejection file of too many rows): 413 on the API. */
export class PayloadTooLargeError extends AdminInputError {
  override name = 'PayloadTooLargeError';
}

/** The thing an admin operation names does not exist: 404 on the API. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** What an admin operation asks cannot be done in the state things are in (it changed nothing): 409 on the API. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/**
 * The read replica (DATABASE_READ_URL) did not answer a read it serves: 503 on the API, exit 1 on the CLI. Never
 * answered from the primary instead: the replica is there so that heavy reads stay off the primary, and an outage
 * that quietly moved them back would load the primary exactly when nobody is watching.
 */
export class ReadReplicaUnreachableError extends TransientStoreError {
  override name = 'ReadReplicaUnreachableError';
}

/**
 * The read replica cancelled a read to replay the primary's changes under it (a recovery conflict, once the read
 * held replay back longer than the replica's max_standby_streaming_delay): 503, and the same read again usually
 * succeeds.
 */
export class ReadReplicaConflictError extends TransientStoreError {
  override name = 'ReadReplicaConflictError';
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

// What Postgres said, in an operator's words, for the data exceptions (SQLSTATE class 22) admin input can cause.
const DATA_EXCEPTIONS: Record<string, string> = {
  '22001': 'a value is too long for its column',
  '22003': 'a number is out of range for its column',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22009': 'a date or time is out of range',
  '22021': 'a text contains a character the database cannot store',
  '22P05': 'a text contains a character the database cannot store',
};

/**
 * The bad input an error means, or undefined: an AdminInputError, or a value Postgres refused as data (SQLSTATE
 * class 22) that the input schemas (services/inputTypes.ts) should have caught. The API answers 400, the CLI exits 2.
 */
export function inputErrorOf(err: unknown): AdminInputError | undefined {
  if (err instanceof AdminInputError) return err;
  const sqlState = sqlStateOf(err);
  if (!sqlState?.startsWith('22')) return undefined;
  const error = new AdminInputError(`${DATA_EXCEPTIONS[sqlState] ?? 'the database refused a value'} (SQLSTATE ${sqlState})`);
  error.cause = err;
  return error;
}
