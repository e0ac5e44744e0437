import { describe, expect, it } from 'vitest';
import { retryAfterSecondsOf } from './retryAfter.js';

describe('retryAfterSecondsOf', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [59_400, 60],
  ])('%i ms until the reset → Retry-After %i', (ms, seconds) => {
    expect(retryAfterSecondsOf(ms)).toBe(seconds);
  });

  it('never answers 0, even for a window that has already reset', () => {
    expect(retryAfterSecondsOf(-5)).toBe(1);
  });
});
