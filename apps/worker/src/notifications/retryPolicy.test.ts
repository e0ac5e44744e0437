import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs, RETRY_AFTER_CAP_MS } from './retryPolicy.js';

const cfg = { DELIVERY_BACKOFF_MS: 1000, DELIVERY_BACKOFF_MAX_MS: 60_000 };
const now = Date.parse('2026-12-03T10:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date as the time left until it, and a past one as no wait', () => {
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('doubles per attempt, between half and all of the exponential wait', () => {
    expect(retryDelayMs(1, undefined, cfg, () => 0)).toBe(500);
    expect(retryDelayMs(1, undefined, cfg, () => 0.999999)).toBe(999);
    expect(retryDelayMs(3, undefined, cfg, () => 0)).toBe(2000);
    expect(retryDelayMs(3, undefined, cfg, () => 0.5)).toBe(3000);
  });
  it('never waits longer than DELIVERY_BACKOFF_MAX_MS', () => {
    expect(retryDelayMs(40, undefined, cfg, () => 0.999999)).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(2000, undefined, cfg, () => 0)).toBe(30_000);
  });
  it("honours the destination's Retry-After, even beyond the backoff's maximum, up to an hour", () => {
    expect(retryDelayMs(1, 7000, cfg, () => 0)).toBe(7000);
    expect(retryDelayMs(1, 120_000, cfg, () => 0)).toBe(120_000);
    expect(retryDelayMs(1, 86_400_000, cfg, () => 0)).toBe(RETRY_AFTER_CAP_MS);
  });
});
