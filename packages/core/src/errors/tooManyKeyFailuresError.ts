import { TooManyAuthFailuresError } from './tooManyAuthFailuresError.js';

/** The client's address sent too many unknown or revoked keys lately; it may try again after `retryAfterSeconds`. */
export class TooManyKeyFailuresError extends TooManyAuthFailuresError {
  override name = 'TooManyKeyFailuresError';
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, 'too many requests with an unknown or revoked key from this address');
  }
}
