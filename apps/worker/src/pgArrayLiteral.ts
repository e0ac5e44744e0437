/** What one element of an array parameter may be. */
export type ArrayElement = string | number | boolean | null | undefined;

// An element Postgres's array_in would read as something else unless it is quoted: empty, or holding a delimiter, a
// brace, a quote, a backslash or white space (trimmed otherwise), or the word NULL.
const NEEDS_QUOTES = /^$|[{}",\\\s]|^null$/i;

/**
 * A column of values as one Postgres array literal (`{a,b,NULL}`), to be cast in SQL (`${literal}::uuid[]`) and
 * unnested beside the batch's other columns.
 *
 * Why not the array itself, or JSON rows: Prisma's raw queries serialise their parameters to JSON and parse them back
 * before the driver sees them, walking each element of an array parameter and escaping every quote of a string one.
 * A literal is one string, and the values the worker passes (uuids, numbers, outcomes, transaction ids and reasons
 * as most advertisers send them) need no quotes, so it passes with no escaping at all; Postgres reads it with
 * array_in. null and undefined are NULL; numbers must be finite, and integers safe (within 2^53).
 */
export function pgArrayLiteral(values: readonly ArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += element(values[i]);
  }
  return `${out}}`;
}

function element(value: ArrayElement): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    // Past 2^53 an integer has already lost its last digits, and from 1e21 String() writes an exponent int[] refuses.
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      throw new RangeError(`not a number Postgres would read back as given: ${value}`);
    }
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/[\\"]/g, '\\$&')}"` : value;
}
