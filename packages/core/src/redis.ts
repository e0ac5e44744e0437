import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ workers and other blocking or long-lived users: commands wait for the connection
 * to come back rather than fail (BullMQ requires maxRetriesPerRequest: null for workers).
 */
export function createWorkerRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}

/**
 * A connection for request paths that must fail fast: with the offline queue off, a command sent while Redis
 * is unreachable rejects at once, so the receiver answers 503 instead of holding the request.
 */
export function createFailFastRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, ...options });
}
