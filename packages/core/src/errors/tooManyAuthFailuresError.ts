/**
 * The client's address failed to authenticate too often lately (wrong keys, tokens, logins): it is refused until
 * `retryAfterSeconds` have passed. Thrown by AuthFailureLimiter; each app answers it with 429 and Retry-After.
 */
export class TooManyAuthFailuresError extends Error {
  override name = 'TooManyAuthFailuresError';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many failed authentications from this address',
  ) {
    super(message);
  }
}
