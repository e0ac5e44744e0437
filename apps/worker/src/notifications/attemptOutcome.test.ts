import { describe, expect, it } from 'vitest';
import { attemptOutcome } from './attemptOutcome.js';
import { BadDestinationError, DeliveryTransportError, DestinationRefusedError } from './errors/index.js';

describe('attemptOutcome', () => {
  it.each([200, 201, 204, 299])('%i is delivered', (statusCode) => {
    expect(attemptOutcome({ statusCode }, false)).toEqual({ result: 'delivered', error: null, gone: false, permanent: false });
  });

  it.each([500, 502, 503, 504, 408, 429])('%i is retried, and failed on the last attempt without being permanent', (statusCode) => {
    expect(attemptOutcome({ statusCode }, false)).toMatchObject({ result: 'retrying', error: `HTTP ${statusCode}`, permanent: false });
    expect(attemptOutcome({ statusCode }, true)).toMatchObject({ result: 'failed', permanent: false });
  });

  it("carries the answer's Retry-After", () => {
    expect(attemptOutcome({ statusCode: 429, retryAfterMs: 2000 }, false).retryAfterMs).toBe(2000);
  });

  it('410 fails at once and says the destination is gone', () => {
    expect(attemptOutcome({ statusCode: 410 }, false)).toEqual({ result: 'failed', error: 'HTTP 410 Gone', gone: true, permanent: true });
  });

  it.each([400, 401, 403, 404, 422, 302])('%i fails at once', (statusCode) => {
    expect(attemptOutcome({ statusCode }, false)).toEqual({ result: 'failed', error: `HTTP ${statusCode}`, gone: false, permanent: true });
  });

  it('retries a timeout or a network error', () => {
    expect(attemptOutcome({ error: new DeliveryTransportError('timed out after 500 ms', 'timeout') }, false)).toMatchObject({
      result: 'retrying',
      error: 'timed out after 500 ms',
    });
    expect(attemptOutcome({ error: new TypeError('odd') }, false)).toMatchObject({ result: 'retrying', error: 'TypeError: odd' });
  });

  it('fails a refused or bad destination at once', () => {
    expect(attemptOutcome({ error: new DestinationRefusedError('127.0.0.1', '127.0.0.1') }, false)).toMatchObject({
      result: 'failed',
      permanent: true,
      error: 'refused: 127.0.0.1 is not a public address',
    });
    expect(attemptOutcome({ error: new BadDestinationError('not an http(s) URL: ftp://x') }, false)).toMatchObject({ result: 'failed', permanent: true });
  });
});
