import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { outgoingHeaders } from './outgoingHeaders.js';

const secret = `whsec_${Buffer.from('a secret of twenty-four!').toString('base64')}`;
const id = '0b6b7f2e-8a1c-4c55-9d7e-2f1a4b3c5d6e';
const post = { method: 'POST' as const, url: 'https://a.example/pb', headers: { 'Content-Type': 'application/json', 'User-Agent': 'x' }, body: '{"a":1}' };

describe('outgoingHeaders', () => {
  it('adds user-agent and webhook-id over the postback headers, names in lower case', () => {
    expect(outgoingHeaders(post, id, null)).toEqual({ 'content-type': 'application/json', 'user-agent': 'PostbackPipeline/1', 'webhook-id': id });
  });

  it('signs a POST so that the Standard Webhooks reference verifies it', () => {
    const now = new Date();
    const headers = outgoingHeaders(post, id, secret, now);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(post.body, headers)).toEqual({ a: 1 });
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });

  it('does not sign a GET', () => {
    expect(outgoingHeaders({ ...post, method: 'GET', body: null }, id, secret)).not.toHaveProperty('webhook-signature');
  });
});
