import { z } from 'zod';

// The admin input schemas' field types, sized to the columns in prisma/schema.prisma: a value that passes here is
// one Postgres stores as given, so bad input is a 400 naming its field, never a data error from the database.

/** The largest Postgres `integer` (int4, the type of every id column but the conversions' own). */
export const INT4_MAX = 2_147_483_647;

/**
 * A whole number from min to max: a JSON number, or a string of decimal digits (a path or query parameter, a CLI
 * option). Not z.coerce: that turns "", true, [] and "0x1F" into numbers.
 */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .union([z.number(), z.string()], { error: message })
    .meta({ description: `A whole number from ${min} to ${max}, as a number or a string of digits` })
    .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d{1,16}$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

/** An id of an int4 column (advertisers, offers, rejection endpoints). */
export const int4Id = wholeNumber(1, INT4_MAX);

/**
 * An amount for a numeric(precision, scale) column, as a JSON number. Postgres rounds it to `scale` places; what
 * it refuses is a rounded value with more than precision - scale digits before the point.
 */
export function decimalAmount(precision: number, scale: number) {
  const bound = 10 ** (precision - scale) - 0.5 / 10 ** scale;
  return z.number({ error: 'must be a number' }).refine((v) => Math.abs(v) < bound, {
    message: `must be less than ${10 ** (precision - scale)} in absolute value (numeric(${precision},${scale}))`,
  });
}

// C0 and C1 control characters (U+0000 first: Postgres text cannot store it), U+FFFD (what a decoder puts in
// place of invalid UTF-8) and lone surrogates (no character at all: the driver would store U+FFFD instead). The
// receiver refuses the same in a postback (apps/receiver/src/validatePostback.ts), so an imported transaction id
// is one a postback can name.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\ufffd]|\p{Cs}/u;

/**
 * Text for a text or varchar(max) column: not blank, at most `max` characters (code points, as Postgres counts
 * them, not UTF-16 units), and nothing Postgres cannot store or a postback could not carry.
 */
export function text(max: number, options: { trim?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  return base
    .refine((s) => s.trim() !== '', { message: 'must not be empty' })
    .refine((s) => s.length <= max || [...s].length <= max, { message: `must be at most ${max} characters` })
    .refine((s) => !FORBIDDEN_CHARACTERS.test(s), { message: 'must not contain control characters, U+FFFD or unpaired surrogates' })
    // For the OpenAPI document: JSON Schema's maxLength counts code points too.
    .meta({ maxLength: max });
}

/** A BullMQ job id (a dead-lettered job): text, stored in dlq_replays.filter (jsonb, which cannot hold U+0000 either). */
export const jobId = text(255);

/**
 * An ISO 8601 date-time with an offset ("2026-11-27T08:00:00Z"), kept as the string. Zod's format checks the
 * calendar (no February 30th) and allows years 0000-9999 only, all within timestamptz's range (4713 BC-294276 AD).
 */
export const isoDateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset (2026-11-27T08:00:00Z)' });

/** An ISO 8601 date or date-time, as the Date it names. */
export const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected an ISO 8601 date or date-time' })
  .transform((s) => new Date(s));
