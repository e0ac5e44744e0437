import type { Redis } from 'ioredis';

// Hands out `count` consecutive numbers that are greater than any handed out before, starting no lower than
// Redis's clock in microseconds. The clock floor means the order survives a Redis that lost the counter
// (a restart without persistence): new numbers still sort after every postback received before it.
const ALLOCATE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local first = math.max(now, last + 1)
redis.call('SET', KEYS[1], string.format('%.0f', first + tonumber(ARGV[1]) - 1))
return string.format('%.0f', first)`;

/**
 * The order in which postbacks were received, across every receiver instance: "the postback received last wins"
 * compares these numbers. One call per enqueue batch, not per request.
 */
export class ReceiptSequence {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:receipt-seq`;
  }

  /** Returns the first of `count` consecutive sequence numbers reserved for the caller. */
  async allocate(count: number): Promise<number> {
    const first = (await this.redis.eval(ALLOCATE_SCRIPT, 1, this.key, count)) as string;
    return Number(first);
  }
}
