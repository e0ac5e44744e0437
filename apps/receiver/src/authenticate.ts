import { TransientStoreError, UnknownKeyError, type EndpointEntry, type AuthFailureLimiter } from '@postback/core';
import type { KeyCache } from './keyCache.js';

/**
 * The endpoint a postback's key belongs to. A missing, unknown or revoked key is refused (UnknownKeyError), and
 * counted against the client's address (which may refuse it with TooManyKeyFailuresError instead); a Redis that
 * cannot be asked is a TransientStoreError. A plain value when the key is cached, so the hot path pays for no
 * promise; a promise when Redis must be asked or a failure counted.
 */
export function authenticate(
  keys: KeyCache,
  keyFailures: AuthFailureLimiter,
  key: string | undefined,
  address: string,
): EndpointEntry | Promise<EndpointEntry> {
  if (key === undefined) throw new UnknownKeyError('key is required');
  const found = keys.resolve(key);
  if (found instanceof Promise) return asStoreOutage(found).then((entry) => entry ?? refuseUnknownKey(keyFailures, address));
  return found ?? refuseUnknownKey(keyFailures, address);
}

// Only here, on the failure path, is the address counted: valid keys pay no extra Redis round trip.
async function refuseUnknownKey(keyFailures: AuthFailureLimiter, address: string): Promise<never> {
  await keyFailures.recordFailure(address);
  throw new UnknownKeyError('unknown or revoked key');
}

// A key that cannot be looked up means the postback cannot be stored either: answer 503.
async function asStoreOutage<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw new TransientStoreError('redis unavailable', { cause: err });
  }
}
