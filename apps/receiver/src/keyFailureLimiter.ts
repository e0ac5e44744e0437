import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { retryAfterSecondsOf, TooManyKeyFailuresError, type Logger } from '@postback/core';

/**
 * Counts, per client address, requests whose key is unknown or revoked, in Redis so the count holds across
 * receivers. It is called only on that failure path: a request with a valid key never pays for it. Once an
 * address is over its allowance this receiver remembers so until the window ends, and refuses its bad keys without
 * asking Redis again.
 */
export class KeyFailureLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    limit: number,
    windowSeconds: number,
    private readonly logger: Logger,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:key-failures`,
      points: limit,
      duration: windowSeconds,
      inMemoryBlockOnConsumed: limit + 1,
    });
  }

  /** Records one failed key from `address`; throws TooManyKeyFailuresError when the address is over its allowance. */
  async recordFailure(address: string): Promise<void> {
    try {
      await this.limiter.consume(address);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new TooManyKeyFailuresError(retryAfterSecondsOf(err.msBeforeNext));
      // Redis failing here must not turn a plain 401 into a 503: the request is refused either way.
      this.logger.warn({ err: (err as Error).message }, 'could not count a failed key');
    }
  }
}
