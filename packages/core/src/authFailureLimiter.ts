import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyAuthFailuresError } from './errors/index.js';
import { retryAfterSecondsOf } from './http/index.js';
import type { Logger } from './logger.js';
import type { RedisConnection } from './redis.js';

export interface AuthFailureLimiterOptions {
  /** Redis key prefix of the per-address counters, under the queue prefix (`{postback}:key-failures`). */
  keyPrefix: string;
  /** Failures one address may have per window; the next one is refused. */
  limit: number;
  windowSeconds: number;
  /** What is counted, for the log lines ("unknown or revoked keys"). */
  what: string;
  /** The error a refused request gets (each app maps its own to 429); a TooManyAuthFailuresError by default. */
  refuse?: (retryAfterSeconds: number) => Error;
}

/**
 * Counts failed authentications (unknown keys on the receiver; wrong tokens, session cookies and logins on the
 * admin) per client address, in Redis so the count holds across processes. Only failures are counted: a caller
 * whose credentials are right never pays a Redis write for it. Once an address is over its allowance this process
 * remembers so until the window ends, and refuses it without asking Redis again. The moment an address goes over
 * is logged once per window (Redis counts atomically, so exactly one request anywhere sees the count cross the
 * limit), never once per refused request.
 */
export class AuthFailureLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly refuse: (retryAfterSeconds: number) => Error;

  constructor(
    redis: RedisConnection,
    private readonly options: AuthFailureLimiterOptions,
    private readonly logger?: Logger,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: options.keyPrefix,
      points: options.limit,
      duration: options.windowSeconds,
      inMemoryBlockOnConsumed: options.limit + 1,
    });
    this.refuse = options.refuse ?? ((seconds) => new TooManyAuthFailuresError(seconds, `too many ${options.what} from this address`));
  }

  /** Records one failure from `address`; throws the refusal error when the address is over its allowance. */
  async recordFailure(address: string): Promise<void> {
    try {
      await this.limiter.consume(address);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const seconds = retryAfterSecondsOf(err.msBeforeNext);
        if (err.consumedPoints === this.options.limit + 1) {
          this.logger?.warn(
            { address, what: this.options.what, limit: this.options.limit, window_seconds: this.options.windowSeconds, retry_after_seconds: seconds },
            'too many authentication failures from one address: refusing it until its window ends',
          );
        }
        throw this.refuse(seconds);
      }
      // Redis failing here must not turn a plain 401 into a 503: the request is refused either way.
      this.logger?.warn({ err: (err as Error).message, what: this.options.what }, 'could not count an authentication failure');
    }
  }

  /**
   * Seconds until `address` may try again when it is over its allowance, else undefined: for a caller whose
   * credentials were right, so a blocked address learns nothing from a right guess. Throws when Redis cannot be
   * asked; the caller decides what an outage means.
   */
  async blockedFor(address: string): Promise<number | undefined> {
    const res = await this.limiter.get(address);
    return res && res.consumedPoints > this.options.limit ? retryAfterSecondsOf(res.msBeforeNext) : undefined;
  }

  /** Throws the refusal error when `address` is over its allowance (see blockedFor). */
  async refuseIfBlocked(address: string): Promise<void> {
    const seconds = await this.blockedFor(address);
    if (seconds !== undefined) throw this.refuse(seconds);
  }
}

