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

  /**
   * The endpoint a key belongs to, or null when the key is unknown or revoked; a plain value when cached (the hot
   * path pays for no promise), a promise when Redis must be asked. The promise rejects when Redis fails.
   */
  resolve(key: string): EndpointEntry | null | Promise<EndpointEntry | null> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached || null;
    // fetch() shares one Redis look-up among concurrent requests for the same key.
    return this.cache.fetch(key).then((entry) => entry || null);
  }
}
