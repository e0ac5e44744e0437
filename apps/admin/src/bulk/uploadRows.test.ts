import { describe, expect, it } from 'vitest';
import { AdminInputError } from '../adminErrors.js';
import { csvFields, csvHeaderOf, csvRowOf, ndjsonRowOf } from './uploadRows.js';

describe('csvFields', () => {
  it('splits a line on its commas, trimming each field', () => {
    expect(csvFields('tx-1, fraud ,x')).toEqual(['tx-1', 'fraud', 'x']);
  });

  it('reads quoted fields as RFC 4180 says', () => {
    expect(csvFields('"tx,1","said ""no"""')).toEqual(['tx,1', 'said "no"']);
  });

  it('reports a broken quote as the line\'s error', () => {
    expect(csvFields('tx,"unclosed')).toEqual({ error: 'a quoted field is not closed on its line' });
    expect(csvFields('tx,"a"b')).toHaveProperty('error');
    expect(csvFields('t"x,b')).toHaveProperty('error');
  });
});

describe('csvHeaderOf', () => {
  it('finds the columns in either order, in any case, after a byte order mark', () => {
    expect(csvHeaderOf('\uFEFFtransaction_id,reason')).toEqual({ transactionId: 0, reason: 1, width: 2 });
    expect(csvHeaderOf('Reason,Transaction_ID')).toEqual({ transactionId: 1, reason: 0, width: 2 });
    expect(csvHeaderOf('transaction_id')).toEqual({ transactionId: 0, reason: undefined, width: 1 });
  });

  it.each(['tx-1,fraud', 'transaction_id,reason,extra', 'transaction_id,transaction_id', ''])('refuses the whole file when line 1 is %j', (line) => {
    expect(() => csvHeaderOf(line)).toThrow(AdminInputError);
  });
});

describe('csvRowOf', () => {
  const header = csvHeaderOf('transaction_id,reason');

  it('reads a row by its header', () => {
    expect(csvRowOf('tx-1,fraud', header)).toEqual({ transactionId: 'tx-1', reason: 'fraud' });
    expect(csvRowOf('tx-1,', header)).toEqual({ transactionId: 'tx-1', reason: '' });
  });

  it('refuses a row with another number of fields', () => {
    expect(csvRowOf('tx-1', header)).toEqual({ error: 'has 1 fields; the header has 2' });
    expect(csvRowOf('tx-1,a,b', header)).toEqual({ error: 'has 3 fields; the header has 2' });
  });
});

describe('ndjsonRowOf', () => {
  it('reads an object with a transaction id and an optional reason', () => {
    expect(ndjsonRowOf('{"transaction_id":"tx-1","reason":"fraud"}')).toEqual({ transactionId: 'tx-1', reason: 'fraud' });
    expect(ndjsonRowOf('{"transaction_id":"tx-1","reason":null}')).toEqual({ transactionId: 'tx-1', reason: undefined });
    expect(ndjsonRowOf('{"reason":"fraud"}')).toEqual({ transactionId: undefined, reason: 'fraud' });
  });

  it.each([
    ['{"transaction_id":', 'not valid JSON'],
    ['["tx-1"]', 'not a JSON object'],
    ['"tx-1"', 'not a JSON object'],
    ['{"transaction_id":7}', 'transaction_id must be a string'],
    ['{"transaction_id":"t","reason":1}', 'reason must be a string'],
    ['{"transaction_id":"t","status":"x"}', 'unknown field "status" (a row has transaction_id and reason)'],
  ])('refuses %s: %s', (line, error) => {
    expect(ndjsonRowOf(line)).toEqual({ error });
  });
});
