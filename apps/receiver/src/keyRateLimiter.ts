import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Per-endpoint request limit, counted in Redis so that it holds across every receiver instance.
 * Errors other than "limit reached" (Redis unreachable) propagate to the caller.
 */
export class KeyRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, pointsPerWindow: number, windowSeconds: number) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rate`,
      points: pointsPerWindow,
      duration: windowSeconds,
    });
  }

  async consume(endpointId: number): Promise<RateLimitVerdict> {
    try {
      await this.limiter.consume(String(endpointId));
      return { allowed: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
      throw err;
    }
  }
}
