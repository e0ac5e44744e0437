import { InvalidPostbackError } from '@postback/core';

// A byte outside printable ASCII, or a `%` not followed by two hex digits. Node reads a raw byte of the request
// target as Latin-1 (UTF-8 "é" would become "Ã©") and its URL decoder keeps a broken escape as it is ("%G1" stays
// "%G1"): either way the value stored would not be the one the advertiser meant.
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;
const BROKEN_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Refuses a request target (path and query string) that is not properly percent-encoded ASCII. */
export function refuseMalformedTarget(target: string): void {
  // Two simple scans, the second only when there is a % at all: about half the cost of one combined regex.
  if (NOT_PRINTABLE_ASCII.test(target) || (target.includes('%') && BROKEN_ESCAPE.test(target))) {
    throw new InvalidPostbackError('the query string must be percent-encoded UTF-8 (a broken % escape or a raw byte)', 'query');
  }
}
