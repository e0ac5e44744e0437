import { UnknownKeyError } from './unknownKeyError.js';

/** The request carries the key of a rotated rejection URL whose grace period has ended: refused like a revoked one. */
export class ExpiredKeyError extends UnknownKeyError {
  override name = 'ExpiredKeyError';
}
