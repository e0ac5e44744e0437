import type { Request } from 'express';
import { ExpiredKeyError, TransientStoreError, UnknownKeyError, type AuthFailureLimiter, type EndpointEntry } from '@postback/core';
import type { KeyCache } from './keyCache.js';

/**
 * The endpoint a postback's key belongs to. A missing, unknown or revoked key is refused (UnknownKeyError), a rotated
 * one past its grace period too (ExpiredKeyError, checked against the clock on every request, cached or not), and
 * counted against the address of the client that sent `req` (which may refuse it with TooManyKeyFailuresError
 * instead); a Redis that cannot be asked is a TransientStoreError. A plain value when the key is cached, so the hot
 * path pays for no promise; a promise when Redis must be asked or a failure counted.
 */
export function authenticate(
  keys: KeyCache,
  keyFailures: AuthFailureLimiter,
  key: string | undefined,
  req: Request,
): EndpointEntry | Promise<EndpointEntry> {
  if (key === undefined) throw new UnknownKeyError('key is required');
  const found = keys.resolve(key);
  if (found instanceof Promise) return asStoreOutage(found).then((entry) => unexpired(entry, keyFailures, req));
  return unexpired(found, keyFailures, req);
}

function unexpired(entry: EndpointEntry | null, keyFailures: AuthFailureLimiter, req: Request): EndpointEntry | Promise<never> {
  if (entry === null) return refuseUnknownKey(keyFailures, req);
  if (entry.expiresAt !== undefined && Date.now() >= entry.expiresAt) return refuseExpiredKey(entry.endpointId, keyFailures, req);
  return entry;
}

// Only here, on the failure path, is the address counted (and req.ip, a proxy-addr parse, read): valid keys pay
// for neither.
async function refuseUnknownKey(keyFailures: AuthFailureLimiter, req: Request): Promise<never> {
  await keyFailures.recordFailure(req.ip ?? '');
  throw new UnknownKeyError('unknown or revoked key');
}

async function refuseExpiredKey(endpointId: number, keyFailures: AuthFailureLimiter, req: Request): Promise<never> {
  await keyFailures.recordFailure(req.ip ?? '');
  throw new ExpiredKeyError('this rejection URL was replaced and its grace period has ended: use the URL that replaced it', endpointId);
}

// A key that cannot be looked up means the postback cannot be stored either: answer 503.
async function asStoreOutage<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw new TransientStoreError('redis unavailable', { cause: err });
  }
}
