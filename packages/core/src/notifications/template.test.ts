import { describe, expect, it } from 'vitest';
import { bodyEncodingOf, MACROS, renderBody, renderUrl, unknownMacros, type MacroValues } from './template.js';

const values: MacroValues = {
  transaction_id: 'tx 1&2',
  status: 'rejected',
  previous_status: 'approved',
  rejected_reason: 'said "no"\\now',
  previous_reason: null,
  payout: '12.5000',
  offer_id: '7',
  publisher_id: '3',
  sub_id: 'a/b?c=d',
  changed_at: '2026-12-01T10:00:00.000Z',
};

describe('unknownMacros', () => {
  it('names each unknown macro once, in order', () => {
    expect(unknownMacros('https://a.example/?t={transaction_id}&x={clickid}&y={foo}&z={clickid}')).toEqual(['clickid', 'foo']);
  });
  it('accepts every macro and leaves JSON braces alone', () => {
    expect(unknownMacros(MACROS.map((m) => `{${m}}`).join('/'))).toEqual([]);
    expect(unknownMacros('{"a":{"b":"{status}"},"c":{}}')).toEqual([]);
  });
});

describe('renderUrl', () => {
  it('URL-encodes every value and renders null as nothing', () => {
    expect(renderUrl('https://a.example/pb?t={transaction_id}&s={sub_id}&p={previous_reason}&r={rejected_reason}', values)).toBe(
      'https://a.example/pb?t=tx%201%262&s=a%2Fb%3Fc%3Dd&p=&r=said%20%22no%22%5Cnow',
    );
  });
});

describe('renderBody', () => {
  it('escapes JSON inside string literals, so the body stays valid JSON with the exact values', () => {
    const body = renderBody('{"t":"{transaction_id}","r":"{rejected_reason}","p":"{previous_reason}"}', values, 'json');
    expect(JSON.parse(body)).toEqual({ t: 'tx 1&2', r: 'said "no"\\now', p: '' });
  });
  it('form-encodes for a form body and leaves text as it is', () => {
    expect(renderBody('t={transaction_id}', values, 'form')).toBe('t=tx%201%262');
    expect(renderBody('t={transaction_id}', values, 'text')).toBe('t=tx 1&2');
  });
});

describe('bodyEncodingOf', () => {
  it('reads the media type, ignoring parameters and case', () => {
    expect(bodyEncodingOf('Application/JSON; charset=utf-8')).toBe('json');
    expect(bodyEncodingOf('application/vnd.api+json')).toBe('json');
    expect(bodyEncodingOf('application/x-www-form-urlencoded')).toBe('form');
    expect(bodyEncodingOf(undefined)).toBe('text');
  });
});
