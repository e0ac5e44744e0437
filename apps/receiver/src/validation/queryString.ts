import { parse } from 'node:querystring';

/**
 * The query string's parameters, every one of them. Express's default parser (querystring.parse) keeps the first
 * 1,000 and drops the rest without a word, so a `transaction_id` repeated past the 1,000th would go unseen and a
 * field placed after them would be reported missing. There is no need for a cap of our own: Node refuses a request
 * line over its header limit (16 kB), which bounds the parameters to a few thousand.
 */
export function parseQueryString(query: string): Record<string, unknown> {
  return parse(query, undefined, undefined, { maxKeys: 0 });
}
