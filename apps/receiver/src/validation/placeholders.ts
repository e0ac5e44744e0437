import { InvalidPostbackError, REJECTION_URL_PLACEHOLDERS } from '@postback/core';

const { transaction_id: TRANSACTION_ID, new_rejected_reason: REASON } = REJECTION_URL_PLACEHOLDERS;

/**
 * Refuses a field that still holds one of the rejection URL's placeholders: the URL was fetched as shared (a link
 * preview, a chat app's unfurl, a careless test), and storing it would reject a conversion named `REPLACE`.
 */
export function refusePlaceholder(field: string, value: string): void {
  // Two comparisons rather than a Set: this runs on every postback.
  if (value === TRANSACTION_ID || value === REASON) {
    throw new InvalidPostbackError(`${field} is still the placeholder ${value} of the rejection URL: put the real value in its place`, field);
  }
}
