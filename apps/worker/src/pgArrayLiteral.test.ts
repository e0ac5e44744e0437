import { describe, expect, it } from 'vitest';
import { pgArrayLiteral } from './pgArrayLiteral.js';

describe('pgArrayLiteral', () => {
  it('leaves plain values bare, so a column of uuids or numbers needs no escaping anywhere', () => {
    expect(pgArrayLiteral(['0192f3a4-1b2c-7d3e-8f40-123456780001', 'tx-17', 'bot_traffic'])).toBe(
      '{0192f3a4-1b2c-7d3e-8f40-123456780001,tx-17,bot_traffic}',
    );
    expect(pgArrayLiteral([1, 1733000000000123, -5, 0.5])).toBe('{1,1733000000000123,-5,0.5}');
    expect(pgArrayLiteral([true, false])).toBe('{t,f}');
    expect(pgArrayLiteral([])).toBe('{}');
  });

  it('writes null and undefined as NULL, and quotes a string that reads as NULL', () => {
    expect(pgArrayLiteral([null, undefined, 'NULL', 'null', 'Null'])).toBe('{NULL,NULL,"NULL","null","Null"}');
  });

  it('quotes what array_in would split, trim or unescape, escaping quotes and backslashes', () => {
    expect(pgArrayLiteral(['', 'a,b', '{x}', ' lead', 'tab\there', 'new\nline', 'say "hi"', 'C:\\dir'])).toBe(
      '{"","a,b","{x}"," lead","tab\there","new\nline","say \\"hi\\"","C:\\\\dir"}',
    );
  });

  it('refuses a number Postgres could not read back', () => {
    expect(() => pgArrayLiteral([Number.NaN])).toThrow(RangeError);
    expect(() => pgArrayLiteral([Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => pgArrayLiteral([2 ** 53])).toThrow(RangeError);
    expect(() => pgArrayLiteral([1e21])).toThrow(RangeError);
    expect(pgArrayLiteral([Number.MAX_SAFE_INTEGER])).toBe('{9007199254740991}');
  });
});
