import { describe, expect, it } from 'vitest';
import { describeEndpointState, endpointState, formatDuration, formatPercent, formatTime, graceSeconds, orDash } from './format';

describe('formatTime', () => {
  it('shows an instant in UTC to the second', () => {
    expect(formatTime('2026-12-01T08:05:09.123Z')).toBe('2026-12-01 08:05:09');
    expect(formatTime('2026-12-01T09:05:09+01:00')).toBe('2026-12-01 08:05:09');
  });
  it('shows a missing instant as a dash, and text that is no instant as it came', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1234, '1.2 s'],
    [42_000, '42 s'],
    [184_000, '3 min 4 s'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 7_200_000, '3 d 2 h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('shows no duration as a dash', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('endpointState', () => {
  const now = Date.parse('2026-12-01T08:00:00Z');
  it('is live when neither revoked nor rotated', () => {
    expect(describeEndpointState(endpointState({ revoked_at: null, expires_at: null }, now))).toBe('live');
    expect(endpointState({ revoked_at: null, expires_at: null }, now)).toEqual({ kind: 'live' });
  });
  it('says until when a rotated URL keeps working, and that it stopped once its grace is over', () => {
    expect(describeEndpointState(endpointState({ revoked_at: null, expires_at: '2026-12-08T08:00:00Z' }, now))).toBe('expires at 2026-12-08 08:00:00');
    expect(describeEndpointState(endpointState({ revoked_at: null, expires_at: '2026-11-30T08:00:00Z' }, now))).toBe('expired at 2026-11-30 08:00:00');
  });
  it('says revoked whatever its grace was', () => {
    expect(endpointState({ revoked_at: '2026-11-30T08:00:00Z', expires_at: '2026-12-08T08:00:00Z' }, now).kind).toBe('revoked');
  });
});

describe('graceSeconds', () => {
  it('turns the amount and unit into seconds', () => {
    expect(graceSeconds('7', 'days')).toBe(604_800);
    expect(graceSeconds('0', 'days')).toBe(0);
    expect(graceSeconds('1.5', 'hours')).toBe(5400);
    expect(graceSeconds(' 30 ', 'minutes')).toBe(1800);
  });
  it('refuses what is not a number of zero or more', () => {
    expect(graceSeconds('', 'days')).toBeUndefined();
    expect(graceSeconds('-1', 'days')).toBeUndefined();
    expect(graceSeconds('7d', 'days')).toBeUndefined();
  });
});

it('formats shares and missing values', () => {
  expect(formatPercent(62.5)).toBe('63 %');
  expect(formatPercent(4.25)).toBe('4.3 %');
  expect(formatPercent(0)).toBe('0 %');
  expect(orDash(null)).toBe('—');
  expect(orDash(0)).toBe('0');
});
