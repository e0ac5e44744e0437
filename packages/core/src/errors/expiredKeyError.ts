import { UnknownKeyError } from './unknownKeyError.js';

/** The request carries the key of a rotated rejection URL whose grace period has ended: refused like a revoked one. */
export class ExpiredKeyError extends UnknownKeyError {
  override name = 'ExpiredKeyError';

  constructor(
    message: string,
    /** The rotated URL's: its refusals are listed under it, so an advertiser still on the old URL is seen there. */
    readonly endpointId: number,
  ) {
    super(message);
  }
}
