import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis.js';

/** A process that puts postbacks on shards renews its announcement at least this often (checked on each store). */
export const ANNOUNCE_EVERY_MS = 10_000;
/** An announcement older than this is a process gone (a crash leaves its entry behind): it no longer holds a layout. */
export const LIVE_FOR_MS = 60_000;

// Redis's clock, in ms, so that processes on machines whose clocks disagree compare one clock.
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: layouts, processes. ARGV: layout, process member.
const ANNOUNCE_SCRIPT = `${NOW_MS}
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[2])
return now`;

// KEYS: processes. ARGV: live-for ms. Returns the members announced within it.
const LIVE_SCRIPT = `${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')`;

// KEYS: layouts, processes. ARGV: layout, live-for ms. Drops the entries of processes gone, then forgets the layout
// only if no live process holds it: in one script, so no process can announce it in between.
const FORGET_SCRIPT = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 'unknown' end
local mine = ARGV[1] .. ':'
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.sub(member, 1, #mine) == mine then return 'in_use' end
end
redis.call('SREM', KEYS[1], ARGV[1])
return 'forgotten'`;

export type ForgetOutcome = 'forgotten' | 'in_use' | 'unknown';

/** A process that announced a layout and is still alive. */
export interface LiveProcess {
  layout: number;
  role: string;
}

/**
 * The shard layouts (values of QUEUE_SHARDS) in use, kept in Redis in the control slot, so that changing
 * QUEUE_SHARDS strands nothing: every receiver and worker announces its layout when it starts (a receiver again
 * before it stores, if its last announcement is older than ANNOUNCE_EVERY_MS), and workers consume every shard of
 * every layout announced. A layout stays announced until an operator forgets it, which this refuses while a live
 * process holds it; the admin also checks that its shards are empty (see services/shardLayouts.ts).
 *
 * Two keys: a set of the layouts (what workers consume), and a sorted set of the processes holding one
 * (`layout:role:id`, scored by the Redis time of their last announcement).
 */
export class ShardLayouts {
  private readonly layoutsKey: string;
  private readonly processesKey: string;
  private readonly member: string;
  private last: { at: number; done: Promise<void> } | undefined;

  constructor(
    private readonly redis: RedisConnection,
    controlTag: string,
    /** This process's layout (QUEUE_SHARDS). */
    readonly own: number,
    role: string,
  ) {
    this.layoutsKey = `${controlTag}:shard-layouts`;
    this.processesKey = `${controlTag}:shard-layout-processes`;
    this.member = `${own}:${role}:${randomUUID()}`;
  }

  /** Adds this process's layout to the announced ones and marks this process alive with it. */
  announce(): Promise<void> {
    const at = Date.now();
    const done = this.redis.eval(ANNOUNCE_SCRIPT, 2, this.layoutsKey, this.processesKey, this.own, this.member).then(() => undefined);
    this.last = { at, done };
    // A failed announcement is not remembered: the next call tries again.
    done.catch(() => {
      if (this.last?.done === done) this.last = undefined;
    });
    return done;
  }

  /** Resolves once this process's layout is announced, and was so within ANNOUNCE_EVERY_MS (one round trip when not). */
  announced(): Promise<void> {
    if (this.last && Date.now() - this.last.at < ANNOUNCE_EVERY_MS) return this.last.done;
    return this.announce();
  }

  /** This process no longer holds its layout (it is stopping); the layout itself stays announced. */
  async leave(): Promise<void> {
    this.last = undefined;
    await this.redis.zrem(this.processesKey, this.member);
  }

  /** Every layout announced and not forgotten, smallest first. */
  async all(): Promise<number[]> {
    const members = await this.redis.smembers(this.layoutsKey);
    return members.map(Number).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  }

  /** The processes alive with a layout (announced within LIVE_FOR_MS). */
  async liveProcesses(): Promise<LiveProcess[]> {
    const members = (await this.redis.eval(LIVE_SCRIPT, 1, this.processesKey, LIVE_FOR_MS)) as string[];
    return members.map((m) => {
      const [layout, role] = m.split(':');
      return { layout: Number(layout), role: role ?? 'unknown' };
    });
  }

  /** Forgets a layout no live process holds: workers stop consuming its shards (those no other layout has). */
  async forget(layout: number): Promise<ForgetOutcome> {
    return (await this.redis.eval(FORGET_SCRIPT, 2, this.layoutsKey, this.processesKey, layout, LIVE_FOR_MS)) as ForgetOutcome;
  }
}
