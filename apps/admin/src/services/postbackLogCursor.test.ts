import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './postbackLogCursor.js';

const position = { receivedAt: new Date('2026-03-01T12:00:00.123Z'), postbackId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the postback log cursor', () => {
  it('gives back the position it was made from, to the millisecond', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is URL-safe as it is: base64url, no padding, nothing to escape in a query string', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(cursor)).toBe(cursor);
  });

  it('tells positions apart: a later time or another id makes another cursor', () => {
    const later = { ...position, receivedAt: new Date(position.receivedAt.getTime() + 1) };
    const otherId = { ...position, postbackId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c' };
    expect(new Set([position, later, otherId].map(encodeCursor)).size).toBe(3);
  });

  it('refuses anything encodeCursor did not make', () => {
    const refused: Array<[string, string]> = [
      ['empty', ''],
      ['an offset', '100'],
      ['standard base64 with padding', Buffer.from(JSON.stringify(['2026-03-01T12:00:00.000Z', position.postbackId])).toString('base64')],
      ['characters outside base64url', 'abc.def'],
      ['base64url of text that is not JSON', Buffer.from('not json').toString('base64url')],
      ['a JSON object instead of the pair', encode({ receivedAt: '2026-03-01T12:00:00.000Z', postbackId: position.postbackId })],
      ['the pair reversed', encode([position.postbackId, '2026-03-01T12:00:00.000Z'])],
      ['a third element', encode(['2026-03-01T12:00:00.000Z', position.postbackId, 1])],
      ['a date that is not ISO 8601', encode(['March 1, 2026', position.postbackId])],
      ['a time with an offset instead of Z', encode(['2026-03-01T12:00:00.000+02:00', position.postbackId])],
      ['an id that is not a UUID', encode(['2026-03-01T12:00:00.000Z', 'abc123'])],
      ['a number for the time', encode([1772366400000, position.postbackId])],
    ];
    for (const [what, cursor] of refused) expect(decodeCursor(cursor), what).toBeUndefined();
  });
});
