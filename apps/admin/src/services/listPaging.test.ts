import { describe, expect, it } from 'vitest';
import { decodeIdCursor, encodeIdCursor, likeLiteral, pageOf } from './listPaging.js';

describe('list paging', () => {
  it('reads back the cursors it hands out, and nothing else', () => {
    expect(decodeIdCursor(encodeIdCursor(42))).toBe(42);
    for (const other of ['', '42', 'not a cursor', Buffer.from('[0]').toString('base64url'), Buffer.from('["1"]').toString('base64url'), Buffer.from('{').toString('base64url')]) {
      expect(decodeIdCursor(other), other).toBeUndefined();
    }
  });

  it('gives a next cursor only when a row beyond the page was fetched', () => {
    const rows = [{ id: 3 }, { id: 5 }, { id: 8 }];
    expect(pageOf(rows, 2)).toEqual({ rows: [{ id: 3 }, { id: 5 }], next_cursor: encodeIdCursor(5) });
    expect(pageOf(rows, 3)).toEqual({ rows, next_cursor: null });
    expect(pageOf([], 3)).toEqual({ rows: [], next_cursor: null });
  });

  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeLiteral('100% a_b c\\d')).toBe('100\\% a\\_b c\\\\d');
    expect(likeLiteral('Acme')).toBe('Acme');
  });
});
