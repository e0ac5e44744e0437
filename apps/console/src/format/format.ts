import type { RejectionEndpoint } from '../api/types';

const DASH = '—';

/** An API instant as the console shows it: UTC, to the second ("2026-12-01 08:05:09"); null as a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A duration in milliseconds, in the largest unit that keeps it readable: 850 ms, 1.2 s, 3 min 4 s, 2 h 5 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
}

export function formatPercent(share: number): string {
  return `${share.toFixed(share > 0 && share < 10 ? 1 : 0)} %`;
}

/** Any value the API may leave out or null, as text. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? DASH : String(value);
}

export type EndpointState = { kind: 'live' } | { kind: 'expires'; at: string } | { kind: 'expired'; at: string } | { kind: 'revoked'; at: string };

/** Whether a rejection URL works: revoked, or rotated and in (or past) its grace period, or live. */
export function endpointState(endpoint: Pick<RejectionEndpoint, 'revoked_at' | 'expires_at'>, now: number): EndpointState {
  if (endpoint.revoked_at) return { kind: 'revoked', at: endpoint.revoked_at };
  if (endpoint.expires_at) return Date.parse(endpoint.expires_at) > now ? { kind: 'expires', at: endpoint.expires_at } : { kind: 'expired', at: endpoint.expires_at };
  return { kind: 'live' };
}

export function describeEndpointState(state: EndpointState): string {
  switch (state.kind) {
    case 'live':
      return 'live';
    case 'expires':
      return `expires at ${formatTime(state.at)}`;
    case 'expired':
      return `expired at ${formatTime(state.at)}`;
    case 'revoked':
      return `revoked at ${formatTime(state.at)}`;
  }
}

export const GRACE_UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
export type GraceUnit = keyof typeof GRACE_UNITS;

/** The grace period an operator typed, in whole seconds; undefined when it is not a number ≥ 0. */
export function graceSeconds(amount: string, unit: GraceUnit): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(amount.trim())) return undefined;
  return Math.round(Number(amount) * GRACE_UNITS[unit]);
}
