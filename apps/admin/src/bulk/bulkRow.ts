import { REASON_MAX, TRANSACTION_ID_MAX } from '@postback/core';

/** What a line of an upload gave, before it is checked: either field may be missing. */
export interface RowFields {
  transactionId?: string;
  reason?: string;
}

/**
 * A row as it is staged (a line of bulk_rejection_rows): a valid one has its transaction id and the reason it
 * applies (its own, else the upload's) and no error; an invalid one has its error and whatever of it was fit to keep.
 */
export interface StagedRow {
  line: number;
  transactionId: string | null;
  reason: string | null;
  error: string | null;
}

// C0 and C1 controls, U+FFFD (what the decoder put where the bytes were not UTF-8) and lone surrogates: what the
// receiver refuses in a postback (apps/receiver/src/validation/postbackFields.ts), so a bulk row is one a postback
// could have been.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** What is wrong with a field's value, or undefined when it is fit to store. */
function problemOf(field: string, value: string, max: number): string | undefined {
  if (value.trim() === '') return `${field} is empty`;
  if (value.includes('\uFFFD')) return `${field} is not valid UTF-8`;
  if (CONTROL_CHARACTERS.test(value)) return `${field} contains control characters`;
  // .length counts UTF-16 units: the exact count (code points, as the column does) only when it could be over.
  if (value.length > max && [...value].length > max) return `${field} is longer than ${max} characters`;
  return undefined;
}

/**
 * Checks one row of an upload: its transaction id, and its reason or else the upload's (`fileReason`). The first
 * problem found is the row's error; a row's own reason, when it gives one, must be fit even if the upload has one.
 */
export function checkRow(line: number, fields: RowFields, fileReason: string | undefined): StagedRow {
  const tx = fields.transactionId === undefined || fields.transactionId === '' ? undefined : fields.transactionId;
  const txProblem = tx === undefined ? 'transaction_id is missing' : problemOf('transaction_id', tx, TRANSACTION_ID_MAX);
  const ownReason = fields.reason === undefined || fields.reason === '' ? undefined : fields.reason;
  const reason = ownReason ?? fileReason;
  const reasonProblem =
    reason === undefined ? 'reason is missing (give one in the row, or reason= for the whole upload)' : problemOf('reason', reason, REASON_MAX);
  return {
    line,
    // What could be read is kept beside the error, when it is fit to store, so the report shows which row it was.
    transactionId: txProblem === undefined ? tx! : null,
    reason: reasonProblem === undefined ? reason! : null,
    error: txProblem ?? reasonProblem ?? null,
  };
}
