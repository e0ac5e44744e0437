import { InvalidPostbackError } from '@postback/core';

/**
 * Refuses an application/x-www-form-urlencoded body whose % escapes are broken or do not decode to UTF-8: the form
 * parser (qs) keeps such an escape as literal text. Raw bytes need no check: the body is decoded as UTF-8, and
 * invalid bytes become U+FFFD, which readPostbackFields refuses.
 */
export function refuseMalformedForm(body: string): void {
  if (!body.includes('%')) return;
  try {
    decodeURIComponent(body);
  } catch {
    throw new InvalidPostbackError('the form body has a broken % escape or one that is not UTF-8', 'body');
  }
}
