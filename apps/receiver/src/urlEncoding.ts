import { InvalidPostback } from '@postback/core';

// A `%` not followed by two hex digits, or a byte outside printable ASCII. Node's URL decoders keep a broken escape
// as it is ("%G1" stays "%G1") and Node reads a raw byte of the request target as Latin-1 (UTF-8 "é" would become
// "Ã©"): either way the value stored would not be the one the advertiser meant.
const MALFORMED_TARGET = /%(?![0-9A-Fa-f]{2})|[^\x21-\x7e]/;

/** Refuses a request target (path and query string) that is not properly percent-encoded ASCII. */
export function refuseMalformedTarget(target: string): void {
  if (MALFORMED_TARGET.test(target)) {
    throw new InvalidPostback('the query string must be percent-encoded UTF-8 (a broken % escape or a raw byte)', 'query');
  }
}

/**
 * Refuses an application/x-www-form-urlencoded body whose % escapes are broken or do not decode to UTF-8: the form
 * parser (qs) keeps such an escape as literal text. Raw bytes need no check: the body is decoded as UTF-8, and
 * invalid bytes become U+FFFD, which validatePostback refuses.
 */
export function refuseMalformedForm(body: string): void {
  if (!body.includes('%')) return;
  try {
    decodeURIComponent(body);
  } catch {
    throw new InvalidPostback('the form body has a broken % escape or one that is not UTF-8', 'body');
  }
}
