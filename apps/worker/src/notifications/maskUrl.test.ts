import { describe, expect, it } from 'vitest';
import { maskUrl, maskWebhookUrl } from './maskUrl.js';

describe('maskUrl', () => {
  it('masks the values of parameters named like credentials, whatever their case', () => {
    expect(maskUrl('https://a.example/pb?tx=1&api_key=abc&Token=t0k&sig=xyz&password=p&Authorization=b&secretCode=s')).toBe(
      'https://a.example/pb?tx=1&api_key=****&Token=****&sig=****&password=****&Authorization=****&secretCode=****',
    );
  });

  it('leaves other parameters exactly as sent, encoding included', () => {
    expect(maskUrl('https://a.example/pb?t=tx%201%262&s=a+b&flag&empty=')).toBe('https://a.example/pb?t=tx%201%262&s=a+b&flag&empty=');
  });

  it('reads an encoded parameter name', () => {
    expect(maskUrl('https://a.example/?api%5Fkey=abc')).toBe('https://a.example/?api%5Fkey=****');
  });

  it('masks a password in the user part and keeps the fragment', () => {
    expect(maskUrl('https://user:hunter2@a.example/pb?key=1#top')).toBe('https://user:****@a.example/pb?key=****#top');
  });

  it('leaves a URL without a query alone', () => {
    expect(maskUrl('http://127.0.0.1:8080/pb')).toBe('http://127.0.0.1:8080/pb');
  });
});

describe('maskWebhookUrl', () => {
  it('keeps the host and the first path segment of an alert webhook, and masks the rest of the path', () => {
    expect(maskWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXsecret')).toBe('https://hooks.slack.com/services/****');
    expect(maskWebhookUrl('https://chat.example/hook/abc?token=t1&x=1')).toBe('https://chat.example/hook/****?token=****&x=1');
    expect(maskWebhookUrl('https://chat.example/hook')).toBe('https://chat.example/hook');
  });
});
