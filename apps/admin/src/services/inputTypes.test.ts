import { describe, expect, it } from 'vitest';
import { decimalAmount, INT4_MAX, instant, int4Id, isoDateTime, text, wholeNumber } from './inputTypes.js';

const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('int4Id: an id of an integer column', () => {
  it.each([1, 42, INT4_MAX, '1', '2147483647', '007'])('accepts %j', (value) => {
    expect(int4Id.parse(value)).toBe(Number(value));
  });

  it.each([0, -1, 2147483648, 1099511627776, 1.5, Number.MAX_SAFE_INTEGER, NaN, Infinity,
    '0', '2147483648', '1099511627776', '', ' 1', '1 ', '+1', '-1', '1e3', '0x10', '1.0', '１', 'ten',
    null, true, [], ['1'], {}])('refuses %j', (value) => {
    const parsed = int4Id.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(`must be a whole number from 1 to ${INT4_MAX}`);
  });

  it('keeps its bounds for other ranges', () => {
    expect(accepts(wholeNumber(0, 10), '0')).toBe(true);
    expect(accepts(wholeNumber(0, 10), 11)).toBe(false);
  });
});

describe('decimalAmount: a numeric(12,4) column', () => {
  const payout = decimalAmount(12, 4);
  it.each([0, 12.5, -3, 99_999_999.9999, -99_999_999.9999, 99_999_999.99994, 12.34567])('accepts %j (Postgres rounds to 4 places)', (v) => {
    expect(accepts(payout, v)).toBe(true);
  });
  it.each([1e8, -1e8, 1e20, 99_999_999.99995, Infinity, -Infinity, NaN, '12.5', null])('refuses %j', (v) => {
    expect(accepts(payout, v)).toBe(false);
  });
});

describe('text: what a text or varchar column stores as given', () => {
  const tx = text(128);
  it.each(['abc', 'a b', 'ü', '日本', '😀'.repeat(128), 'x'.repeat(128)])('accepts %j', (v) => {
    expect(tx.parse(v)).toBe(v);
  });
  it.each([
    ['a\u0000b', 'control'], ['a\u0001', 'control'], ['a\nb', 'control'], ['\u007f', 'control'], ['\u0085', 'control'],
    ['\ufffd', 'U+FFFD'], ['a\ud800', 'surrogates'], ['\udfffb', 'surrogates'],
    ['', 'empty'], ['   ', 'empty'], ['x'.repeat(129), 'at most 128'], ['😀'.repeat(129), 'at most 128'],
  ])('refuses %j (%s)', (v, why) => {
    const parsed = tx.safeParse(v);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(why);
  });
  it('refuses what is not a string', () => {
    for (const v of [1, null, ['a'], { a: 1 }]) expect(accepts(tx, v)).toBe(false);
  });
  it('trims when asked, and counts what is left', () => {
    expect(text(3, { trim: true }).parse('  abc  ')).toBe('abc');
    expect(accepts(text(3, { trim: true }), '    ')).toBe(false);
  });
});

describe('times', () => {
  it('reads ISO dates and date-times with an offset as Dates', () => {
    expect(instant.parse('2026-11-27')).toEqual(new Date('2026-11-27T00:00:00Z'));
    expect(instant.parse('2026-11-27T08:00:00+01:00')).toEqual(new Date('2026-11-27T07:00:00Z'));
  });
  it.each(['2026-02-30', '2026-02-30T00:00:00Z', '2026-13-01', '+275760-09-13T00:00:00Z', '-004714-01-01T00:00:00Z',
    '2026-01-01T24:00:00Z', '2026-01-01T00:00:00', 'yesterday', '1700000000000'])('refuses %j', (v) => {
    expect(accepts(instant, v)).toBe(false);
    expect(accepts(isoDateTime, v)).toBe(false);
  });
});
