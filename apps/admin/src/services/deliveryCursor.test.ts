import { describe, expect, it } from 'vitest';
import { decodeDeliveryCursor, encodeDeliveryCursor } from './deliveryCursor.js';

describe('the delivery log cursor', () => {
  it('gives back the id it was made from, past 2^53 too', () => {
    for (const id of [1n, 42n, 2n ** 53n + 1n, 2n ** 63n - 1n]) expect(decodeDeliveryCursor(encodeDeliveryCursor(id))).toBe(id);
  });

  it('refuses what it did not make', () => {
    const of = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of ['', 'a b', '!!', of([5]), of(['0']), of(['-1']), of(['1e3']), of(['9223372036854775808']), of(['1', '2']), of({})]) {
      expect(decodeDeliveryCursor(cursor), cursor).toBeUndefined();
    }
  });
});
