import { describe, expect, it } from 'vitest';
import { evaluationText, maskedWebhook, thresholdText, windowText } from './alertRuleText';

describe('an alert rule in words', () => {
  it.each([
    [45, '45 min'],
    [60, '1 h'],
    [90, '90 min'],
    [1440, '1 d'],
    [10_080, '7 d'],
  ])('says a window of %i minutes as %s', (minutes, text) => {
    expect(windowText(minutes)).toBe(text);
  });

  it('says when it fires', () => {
    expect(thresholdText({ max_rejection_rate_percent: 30, min_conversions: 20, window_minutes: 60 })).toBe('above 30 % of at least 20 conversions in 1 h');
    expect(thresholdText({ max_rejection_rate_percent: 12.5, min_conversions: 1, window_minutes: 15 })).toBe('above 12.5 % of at least 1 conversion in 15 min');
  });

  it('says what the last evaluation saw, or that there was none', () => {
    expect(evaluationText({ last_conversions: null, last_rejected: null, last_evaluated_at: null })).toBe('not evaluated yet');
    expect(evaluationText({ last_conversions: 50, last_rejected: 21, last_evaluated_at: '2026-12-03T09:00:00.000Z' })).toBe(
      '21 of 50 rejected (42.0 %) at 2026-12-03 09:00:00',
    );
    expect(evaluationText({ last_conversions: 0, last_rejected: 0, last_evaluated_at: '2026-12-03T09:00:00.000Z' })).toBe(
      'no conversions in the window at 2026-12-03 09:00:00',
    );
  });

  it('shows where a webhook goes, never its secret path', () => {
    expect(maskedWebhook('https://hooks.slack.com/services/T000/B000/XXXXXXXXabcd')).toBe('https://hooks.slack.com/…abcd');
    expect(maskedWebhook('https://hooks.example/alerts?token=s3cr3t-value')).toBe('https://hooks.example/…alue');
    // A short rest is not cut: four of eight characters would give half of it away.
    expect(maskedWebhook('https://h.example/T1')).toBe('https://h.example/…');
    expect(maskedWebhook('https://h.example/')).toBe('https://h.example');
    expect(maskedWebhook('http://h.example:8080/x')).toBe('http://h.example:8080/…');
    expect(maskedWebhook('not a url')).toBe('****');
  });
});
