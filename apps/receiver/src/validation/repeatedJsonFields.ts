import { visit } from 'jsonc-parser';
import { InvalidPostbackError } from '@postback/core';

/**
 * JSON.parse keeps the last of two equal keys without a word, so `{"transaction_id":"a","transaction_id":"b"}`
 * would reach us as "b". A field the advertiser named twice is refused instead, as it is in the query string.
 * Only the top-level `fields` count; other keys may repeat, as unknown query parameters may.
 */
export function refuseRepeatedJsonFields(text: string, fields: ReadonlySet<string>): void {
  let depth = 0;
  const seen = new Set<string>();
  let repeated: string | undefined;
  visit(text, {
    onObjectBegin: () => void (depth += 1),
    onObjectEnd: () => void (depth -= 1),
    onObjectProperty: (name) => {
      if (depth !== 1 || repeated !== undefined || !fields.has(name)) return;
      if (seen.has(name)) repeated = name;
      seen.add(name);
    },
  });
  if (repeated !== undefined) throw new InvalidPostbackError(`${repeated} was given more than once`, repeated);
}
