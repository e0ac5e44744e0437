import { retryAfterSecondsOf } from '@postback/core';
import type { EndpointAllowance } from './admission.js';

/** What the admission call is asked for: how many of the turn's requests each endpoint sent. */
export function countByEndpoint(turn: ReadonlyArray<{ postback: { endpointId: number } }>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { postback } of turn) counts.set(postback.endpointId, (counts.get(postback.endpointId) ?? 0) + 1);
  return counts;
}

export interface TurnAdmission<T> {
  admitted: T[];
  refused: Array<{ request: T; retryAfterSeconds: number }>;
}

/**
 * Which requests of one turn are admitted, given what the admission call allowed each endpoint: in arrival order
 * until the endpoint's allowance runs out. The rest are refused with the seconds until the endpoint's window
 * resets; so is any request of an endpoint the allowances do not name.
 */
export function admitInArrivalOrder<T extends { postback: { endpointId: number } }>(
  turn: readonly T[],
  allowances: ReadonlyMap<number, EndpointAllowance>,
): TurnAdmission<T> {
  const left = new Map<number, number>();
  for (const [endpointId, allowance] of allowances) left.set(endpointId, allowance.admitted);
  const admitted: T[] = [];
  const refused: TurnAdmission<T>['refused'] = [];
  for (const request of turn) {
    const endpointId = request.postback.endpointId;
    const remaining = left.get(endpointId) ?? 0;
    if (remaining > 0) {
      left.set(endpointId, remaining - 1);
      admitted.push(request);
    } else {
      refused.push({ request, retryAfterSeconds: retryAfterSecondsOf(allowances.get(endpointId)?.resetMs ?? 0) });
    }
  }
  return { admitted, refused };
}
