/** The client's address sent too many unknown or revoked keys lately; it may try again after `retryAfterSeconds`. */
export class TooManyKeyFailures extends Error {
  override name = 'TooManyKeyFailures';
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests with an unknown or revoked key from this address');
  }
}
