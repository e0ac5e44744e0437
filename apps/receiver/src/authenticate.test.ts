import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { ExpiredKeyError, UnknownKeyError, type AuthFailureLimiter, type EndpointEntry } from '@postback/core';
import { authenticate } from './authenticate.js';
import type { KeyCache } from './keyCache.js';

const scope = { kind: 'global', advertiserId: 1, offerId: null } as const;
const req = { ip: '192.0.2.1' } as Request;

/** A cache that already holds `entry`: the hot path, which never asks Redis. */
function cacheHolding(entry: EndpointEntry | null) {
  return { resolve: () => entry } as unknown as KeyCache;
}

function countingFailures() {
  const failures: string[] = [];
  const limiter = { recordFailure: async (address: string) => void failures.push(address) } as unknown as AuthFailureLimiter;
  return { limiter, failures };
}

describe('authenticate', () => {
  it('accepts a cached rotated key until its expiry', () => {
    const entry = { endpointId: 1, scope, expiresAt: Date.now() + 60_000 };
    expect(authenticate(cacheHolding(entry), countingFailures().limiter, 'k', req)).toBe(entry);
  });

  it('refuses a cached rotated key once its expiry passed, without waiting for the cache to refresh', async () => {
    const { limiter, failures } = countingFailures();
    const entry = { endpointId: 1, scope, expiresAt: Date.now() - 1 };
    const refused = authenticate(cacheHolding(entry), limiter, 'k', req);
    await expect(refused).rejects.toBeInstanceOf(ExpiredKeyError);
    await expect(refused).rejects.toThrow(/replaced and its grace period has ended/);
    // Its URL is named, so the refusal is listed under it.
    await expect(refused).rejects.toMatchObject({ endpointId: 1 });
    // Counted against the client like any refused key (the flood protection).
    expect(failures).toEqual(['192.0.2.1']);
  });

  it('answers an expired key as a refused key (401), an unknown one as before', async () => {
    expect(new ExpiredKeyError('x', 1)).toBeInstanceOf(UnknownKeyError);
    await expect(authenticate(cacheHolding(null), countingFailures().limiter, 'k', req)).rejects.toThrow('unknown or revoked key');
  });
});
