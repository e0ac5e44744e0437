import { describe, expect, it } from 'vitest';
import { MACROS as CORE_MACROS } from '../../../../packages/core/src/notifications/template';
import { EMPTY_FORM, MACROS, newPostbackOf, parseHeaders, parseReasons, PostbackFormError } from './postbackForm';

describe('the affiliate postback form', () => {
  it('hints the macros the API accepts, all of them', () => {
    expect([...MACROS]).toEqual([...CORE_MACROS]);
  });

  it('sends a GET with only what was given, and the default delay', () => {
    expect(newPostbackOf(4, { ...EMPTY_FORM, url: ' https://aff.example/pb?tx={transaction_id} ' })).toEqual({
      publisher_id: 4,
      url: 'https://aff.example/pb?tx={transaction_id}',
      method: 'GET',
      events: ['rejected'],
      delay_seconds: 120,
    });
  });

  it('leaves the body and signing out of a GET, even when they were typed before switching to GET', () => {
    const body = newPostbackOf(4, { ...EMPTY_FORM, url: 'https://a.example/', body: '{"a":1}', signing: true });
    expect(body).not.toHaveProperty('body');
    expect(body).not.toHaveProperty('signing');
  });

  it('sends a signed POST with headers, body, events in order, reasons, scope and delay', () => {
    expect(
      newPostbackOf(4, {
        url: 'https://a.example/',
        method: 'POST',
        headers: 'X-Api-Key: abc:def\n\ncontent-type: application/json',
        body: '{"tx":"{transaction_id}"}',
        events: ['reason_updated', 'rejected'],
        reasons: 'fraud, chargeback\nfraud',
        delay: '0',
        offerId: '7',
        signing: true,
      }),
    ).toEqual({
      publisher_id: 4,
      offer_id: 7,
      url: 'https://a.example/',
      method: 'POST',
      headers: { 'X-Api-Key': 'abc:def', 'content-type': 'application/json' },
      body: '{"tx":"{transaction_id}"}',
      events: ['rejected', 'reason_updated'],
      reasons: ['fraud', 'chargeback'],
      delay_seconds: 0,
      signing: true,
    });
  });

  it('refuses what it cannot send, naming the field', () => {
    const fieldOf = (change: Partial<typeof EMPTY_FORM>) => {
      try {
        newPostbackOf(1, { ...EMPTY_FORM, url: 'https://a.example/', ...change });
        return undefined;
      } catch (err) {
        return err instanceof PostbackFormError ? err.field : err;
      }
    };
    expect(fieldOf({ url: '  ' })).toBe('url');
    expect(fieldOf({ events: [] })).toBe('events');
    expect(fieldOf({ delay: '-1' })).toBe('delay_seconds');
    expect(fieldOf({ delay: '1.5' })).toBe('delay_seconds');
    expect(fieldOf({ delay: '604801' })).toBe('delay_seconds');
    expect(fieldOf({ delay: '604800' })).toBeUndefined();
    expect(fieldOf({ headers: 'no colon here' })).toBe('headers');
  });

  it('reads header lines and reason lists', () => {
    expect(() => parseHeaders('A: 1\n: 2')).toThrow('header line 2 is not "Name: value"');
    expect(parseHeaders('')).toEqual({});
    expect(parseReasons(' , \n')).toEqual([]);
  });
});
