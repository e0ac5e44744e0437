import { InvalidPostbackError, REASON_MAX, TRANSACTION_ID_MAX } from '@postback/core';
import { refusePlaceholder } from './placeholders.js';

export interface PostbackRequest {
  key: string | undefined;
  transactionId: string;
  reason: string;
}

const FIELDS = { key: 256, transaction_id: TRANSACTION_ID_MAX, new_rejected_reason: REASON_MAX } as const;
type Field = keyof typeof FIELDS;
/** The names of the fields a postback carries. */
export const POSTBACK_FIELDS: ReadonlySet<string> = new Set(Object.keys(FIELDS));

// C0 and C1 control characters, U+FFFD, which the URL and form decoders put in place of invalid UTF-8, and a lone
// surrogate (a JSON "\ud800" escape), which is no character at all and which Postgres could not store.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\ufffd]|\p{Cs}/u;
// `transaction_id[]=…` or `transaction_id[0]=…`: array syntax on one of our fields.
const ARRAY_SYNTAX = /^(key|transaction_id|new_rejected_reason)\[/;

type Params = Record<string, unknown> | undefined;

/**
 * Reads the postback's fields from the query string and, on POST, from a form or JSON body, refusing a field that
 * is missing, empty, too long, not a string or has control characters. A field given twice (repeated in one place,
 * or present in both) is refused: guessing which one the advertiser meant is worse than asking them to send it
 * once. A field still holding the rejection URL's placeholder is refused. Unknown parameters are ignored; trackers
 * often append their own.
 */
export function readPostbackFields(query: Params, body: Params): PostbackRequest {
  for (const source of [query, body]) {
    for (const name of Object.keys(source ?? {})) {
      const match = ARRAY_SYNTAX.exec(name);
      if (match) throw new InvalidPostbackError(`${match[1]} must be given once, as a plain value`, match[1]!);
    }
  }
  const key = readField('key', query, body);
  const transactionId = readField('transaction_id', query, body);
  const reason = readField('new_rejected_reason', query, body);
  if (transactionId === undefined) throw new InvalidPostbackError('transaction_id is required', 'transaction_id');
  if (reason === undefined) throw new InvalidPostbackError('new_rejected_reason is required', 'new_rejected_reason');
  refusePlaceholder('transaction_id', transactionId);
  refusePlaceholder('new_rejected_reason', reason);
  return { key, transactionId, reason };
}

function readField(field: Field, query: Params, body: Params): string | undefined {
  const inQuery = query?.[field];
  const inBody = body?.[field];
  if (inQuery !== undefined && inBody !== undefined) {
    throw new InvalidPostbackError(`${field} was given more than once`, field);
  }
  const value = inQuery ?? inBody;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new InvalidPostbackError(`${field} was given more than once`, field);
  if (typeof value !== 'string') throw new InvalidPostbackError(`${field} must be a string`, field);
  if (value.trim() === '') throw new InvalidPostbackError(`${field} is empty`, field);
  // Limits count characters (code points), as the database columns do; .length counts UTF-16 units, so it is
  // checked first and the exact count only taken when it could be over.
  if (value.length > FIELDS[field] && [...value].length > FIELDS[field]) {
    throw new InvalidPostbackError(`${field} is longer than ${FIELDS[field]} characters`, field);
  }
  if (FORBIDDEN_CHARACTERS.test(value)) {
    throw new InvalidPostbackError(`${field} contains control characters or invalid UTF-8`, field);
  }
  return value;
}
