import { LRUCache } from 'lru-cache';
import { hashEndpointKey, type EndpointEntry, type KeyRegistry } from '@postback/core';

/**
 * Key look-ups for the hot path: Redis's registry behind a small in-process cache. Entries, including "no such
 * key", live for `ttlMs`, which bounds how long a revoked key keeps working on this receiver. Concurrent
 * look-ups of one key share one Redis round trip.
 */
export class KeyCache {
  private readonly cache: LRUCache<string, EndpointEntry | false>;

  constructor(registry: KeyRegistry, ttlMs: number, max = 100_000) {
    this.cache = new LRUCache<string, EndpointEntry | false>({
      max,
      ttl: Math.max(ttlMs, 1),
      // Keyed by the key itself, so the hot path hashes only on a miss.
      fetchMethod: async (key) => (await registry.lookup(hashEndpointKey(key))) ?? false,
    });
  }

  /** The endpoint a key belongs to, or null when the key is unknown or revoked. Throws when Redis fails. */
  async resolve(key: string): Promise<EndpointEntry | null> {
    // get() first: a hit costs no promise; fetch() only on a miss, sharing one Redis look-up per key.
    const entry = this.cache.get(key) ?? (await this.cache.fetch(key));
    return entry || null;
  }
}
