import { describe, expect, it } from 'vitest';
import { checkRow } from './bulkRow.js';

describe('checkRow', () => {
  it('takes a row with its own reason, or the upload reason when it gives none', () => {
    expect(checkRow(2, { transactionId: 'tx-1', reason: 'fraud' }, 'chargeback')).toEqual({ line: 2, transactionId: 'tx-1', reason: 'fraud', error: null });
    expect(checkRow(3, { transactionId: 'tx-2', reason: '' }, 'chargeback')).toEqual({ line: 3, transactionId: 'tx-2', reason: 'chargeback', error: null });
    expect(checkRow(4, { transactionId: 'tx-3' }, 'chargeback').reason).toBe('chargeback');
  });

  it.each([
    [{ reason: 'fraud' }, undefined, 'transaction_id is missing'],
    [{ transactionId: '', reason: 'fraud' }, undefined, 'transaction_id is missing'],
    [{ transactionId: '   ', reason: 'fraud' }, undefined, 'transaction_id is empty'],
    [{ transactionId: 'x'.repeat(129), reason: 'fraud' }, undefined, 'transaction_id is longer than 128 characters'],
    [{ transactionId: 'tx\u0000', reason: 'fraud' }, undefined, 'transaction_id contains control characters'],
    [{ transactionId: 'tx\uFFFD', reason: 'fraud' }, undefined, 'transaction_id is not valid UTF-8'],
    [{ transactionId: 'tx\ud800', reason: 'fraud' }, undefined, 'transaction_id contains control characters'],
    [{ transactionId: 'tx' }, undefined, 'reason is missing (give one in the row, or reason= for the whole upload)'],
    [{ transactionId: 'tx', reason: 'r'.repeat(256) }, 'fine', 'reason is longer than 255 characters'],
    [{ transactionId: 'tx', reason: 'bad\nline' }, undefined, 'reason contains control characters'],
  ])('refuses %j (upload reason %s): %s', (fields, fileReason, error) => {
    expect(checkRow(7, fields, fileReason).error).toBe(error);
  });

  it('counts characters, not UTF-16 units, against the limits', () => {
    expect(checkRow(2, { transactionId: '😀'.repeat(128), reason: 'é'.repeat(255) }, undefined).error).toBeNull();
  });

  it('keeps what is fit to store beside the error', () => {
    expect(checkRow(5, { transactionId: 'tx-9', reason: 'r'.repeat(300) }, undefined)).toEqual({
      line: 5, transactionId: 'tx-9', reason: null, error: 'reason is longer than 255 characters',
    });
  });
});
