import { describe, expect, it } from 'vitest';
import { AdminInputError } from '../adminErrors.js';
import { parseAffiliatePostback } from './affiliatePostbackInput.js';

const valid = { publisher_id: 1, url: 'https://aff.example/pb?tx={transaction_id}', events: ['rejected'] };

/** The 400 a request gets: its field and message. */
function refusal(input: Record<string, unknown>): { field: string | undefined; message: string } {
  try {
    parseAffiliatePostback(input);
  } catch (err) {
    if (err instanceof AdminInputError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('an affiliate postback as created', () => {
  it('takes the defaults: GET, no headers, every reason, two minutes, unsigned', () => {
    expect(parseAffiliatePostback(valid)).toEqual({ ...valid, method: 'GET', headers: {}, reasons: [], delay_seconds: 120, signing: false });
  });

  it('takes a signed POST with a JSON body, headers, reasons and a delay given as text (a CLI option)', () => {
    const p = parseAffiliatePostback({
      ...valid, method: 'post', headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k\tv' }, body: '{"tx":"{transaction_id}",\n"s":"{status}"}',
      events: ['rejected', 'reason_updated', 'rejected'], reasons: ['fraud', 'fraud', 'duplicate'], delay_seconds: '0', signing: true,
    });
    expect(p).toMatchObject({ method: 'POST', events: ['rejected', 'reason_updated'], reasons: ['fraud', 'duplicate'], delay_seconds: 0, signing: true });
  });

  it.each([
    [{ url: 'https://a.example/?c={clickid}' }, 'url', 'unknown macro {clickid} in url'],
    [{ method: 'POST', body: '{"a":"{transaction_id}","b":"{foo}"}' }, 'body', 'unknown macro {foo} in body'],
    [{ url: 'ftp://a.example/x' }, 'url', 'http:// or https://'],
    [{ url: 'http:/a.example' }, 'url', 'http:// or https://'],
    [{ url: 'https://' }, 'url', 'http:// or https://'],
    [{ url: 'https://{sub_id}.example/x' }, 'url', 'macro in its host'],
    [{ url: 'https://user:pw@a.example/' }, 'url', 'user name or password'],
    [{ url: 'https://a.example/\nx' }, 'url', 'whitespace or control'],
    [{ method: 'DELETE' }, 'method', 'GET, POST or PUT'],
    [{ body: 'x' }, 'body', 'only a POST or PUT postback has a body'],
    [{ signing: true }, 'signing', 'only a POST or PUT postback can be signed'],
    [{ signing: 'yes' }, 'signing', 'true or false'],
    [{ headers: { 'X-A': 'a\r\nX-Injected: 1' } }, 'headers.X-A', 'CR, LF'],
    [{ headers: { 'Webhook-Id': 'x' } }, 'headers.Webhook-Id', 'webhook-*'],
    [{ headers: { 'Content-Length': '3' } }, 'headers.Content-Length', 'set by the sender'],
    [{ headers: { 'Bad Name': 'x' } }, 'headers.Bad Name', 'not a valid header name'],
    [{ headers: { 'X-A': '1', 'x-a': '2' } }, 'headers.x-a', 'given twice'],
    [{ headers: { 'X-A': 1 } }, 'headers.X-A', 'string'],
    [{ headers: ['X-A: 1'] }, 'headers', 'object'],
    [{ events: [] }, 'events', 'at least one'],
    [{ events: ['approved'] }, 'events.0', ''],
    [{ reasons: [''] }, 'reasons.0', 'empty'],
    [{ delay_seconds: 604_801 }, 'delay_seconds', '0 to 604800'],
    [{ delay_seconds: -1 }, 'delay_seconds', '0 to 604800'],
    [{ publisher_id: 0 }, 'publisher_id', 'whole number'],
    [{ offer_id: 'x' }, 'offer_id', 'whole number'],
    [{ delay_second: 5 }, undefined, 'delay_second'],
  ])('refuses %j, naming %s', (change, field, words) => {
    const { field: named, message } = refusal({ ...valid, ...change });
    expect(named).toBe(field);
    expect(message).toContain(words);
  });

  it('leaves JSON braces alone: only {word} is a macro', () => {
    expect(() => parseAffiliatePostback({ ...valid, method: 'PUT', body: '{"a":{},"b":[{"c":1}]}' })).not.toThrow();
  });
});
