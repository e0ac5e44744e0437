/** A request no retry can send: a URL that does not parse or is not http(s), a redirect without a usable Location, too many redirects. */
export class BadDestinationError extends Error {
  override name = 'BadDestinationError';
}
