import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@postback/core';

// One sorted set per destination: a member per delivery in flight, scored by when its lease runs out. Expired
// leases (a worker that died mid-delivery) are dropped before counting, so a crash frees its slot by itself. Redis's
// own clock, so the workers' clocks need not agree.
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * The per-destination cap (DELIVERY_PER_DESTINATION) across every worker process: a slot in Redis, under the
 * delivery tag, for each delivery in flight to a destination (host and port: one server).
 */
export class DestinationSlots {
  constructor(
    private readonly redis: RedisConnection,
    private readonly tag: string,
    private readonly perDestination: number,
    /** Longer than any attempt takes; only a slot whose worker died waits it out. */
    private readonly leaseMs: number,
  ) {}

  /** A slot's token, or null when the destination has all it may have in flight. */
  async acquire(destination: string): Promise<string | null> {
    const token = randomUUID();
    const taken = await this.redis.eval(ACQUIRE_SCRIPT, 1, this.keyOf(destination), this.perDestination, this.leaseMs, token);
    return taken === 1 ? token : null;
  }

  async release(destination: string, token: string): Promise<void> {
    await this.redis.zrem(this.keyOf(destination), token);
  }

  /** How many deliveries to the destination are in flight now (metrics, tests). */
  async inFlight(destination: string): Promise<number> {
    return this.redis.zcard(this.keyOf(destination));
  }

  private keyOf(destination: string): string {
    return `${this.tag}:destination:${destination}`;
  }
}

/** How long a delivery that found no free slot waits before it asks again: short, jittered so waiters do not come back in step. */
export function slotWaitMs(random: () => number = Math.random): number {
  return Math.floor(100 + random() * 400);
}
