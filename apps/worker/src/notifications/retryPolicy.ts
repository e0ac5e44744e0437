import type { Config } from '@postback/core';

/** The longest Retry-After honoured: a destination cannot park a notification for days. */
export const RETRY_AFTER_CAP_MS = 3_600_000;

/** A Retry-After header's wait in ms: delay-seconds or an HTTP date (in the past: 0); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month: Date.parse alone would take '-5' for a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before the next attempt, after `attemptsMade` attempts: the destination's Retry-After when it gave one
 * (at most an hour), else DELIVERY_BACKOFF_MS · 2^(attemptsMade-1), at most DELIVERY_BACKOFF_MAX_MS, with equal
 * jitter: at least half of it, so a retry never comes straight back, and the other half random, so the failures of
 * one host do not all retry in step.
 */
export function retryDelayMs(
  attemptsMade: number,
  retryAfterMs: number | undefined,
  cfg: Pick<Config, 'DELIVERY_BACKOFF_MS' | 'DELIVERY_BACKOFF_MAX_MS'>,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS);
  const ceiling = Math.min(cfg.DELIVERY_BACKOFF_MAX_MS, cfg.DELIVERY_BACKOFF_MS * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
