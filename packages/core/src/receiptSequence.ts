import type { RedisConnection } from './redis.js';
import { replicatedWrite, type Replication } from './replicatedWrite.js';

/**
 * The receipt sequence: one counter in Redis that orders every postback by when a receiver admitted it (the
 * receiver's admission script hands the numbers out), and that a revocation takes a number from too, so that
 * "received after the revocation" is a comparison of two numbers from one counter, never of two clocks.
 */
export const receiptSeqKey = (prefix: string): string => `${prefix}:receipt-seq`;

/**
 * Lua, for scripts that take numbers from the sequence: the next free number, greater than any handed out before
 * and never below Redis's clock in microseconds, so the order survives a Redis that lost the counter. The caller
 * SETs the counter to the last number it uses.
 */
export const NEXT_RECEIPT_SEQ_LUA = `
local function nextReceiptSeq(seqKey)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  return math.max(now, tonumber(redis.call('GET', seqKey) or '0') + 1)
end`;

// KEYS: the sequence key. ARGV: how many numbers. Returns the first (as a string: Lua numbers are doubles).
const RESERVE_SEQS_SCRIPT = `${NEXT_RECEIPT_SEQ_LUA}
local first = nextReceiptSeq(KEYS[1])
redis.call('SET', KEYS[1], string.format('%.0f', first + tonumber(ARGV[1]) - 1))
return string.format('%.0f', first)`;

/**
 * Takes `count` consecutive numbers from the receipt sequence in one call (a bulk upload's rows, when it is staged),
 * by the rule the receiver's admission follows, and returns the first. With a replication policy, it resolves only
 * once the replicas hold the new counter: a failover must not hand the same numbers out again.
 */
export async function reserveReceiptSeqs(redis: RedisConnection, prefix: string, count: number, replication?: Replication): Promise<number> {
  const key = receiptSeqKey(prefix);
  const first = await replicatedWrite(replication, key, () => redis.eval(RESERVE_SEQS_SCRIPT, 1, key, count) as Promise<string>);
  return Number(first);
}
