/** The request carries no key, or one that is unknown or revoked. */
export class UnknownKey extends Error {
  override name = 'UnknownKey';
}
