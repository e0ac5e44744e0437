import { NEXT_RECEIPT_SEQ_LUA, receiptSeqKey, type RedisConnection } from '@postback/core';

// One call per enqueue batch does both things a postback needs from Redis before it may be stored:
// 1. The per-key rate limit: a fixed window per endpoint, INCRBY by the batch's count for that endpoint, so the
//    limit holds across every receiver instance at the cost of one command per endpoint per batch (not per
//    request). Of n requests, those that fit under the limit are admitted; requests over it still count.
// 2. The receipt sequence numbers of the admitted: consecutive, greater than any handed out before (a revocation's
//    too), and never below Redis's clock in microseconds, so the order survives a Redis that lost the counter.
// KEYS: sequence key, then one rate key per endpoint. ARGV: limit, window ms, then one count per rate key.
// Returns: first sequence number (as a string), then per endpoint: admitted count, ms until its window resets.
const ADMIT_SCRIPT = `${NEXT_RECEIPT_SEQ_LUA}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local out = {}
local admitted = 0
for i = 2, #KEYS do
  local n = tonumber(ARGV[i + 1])
  local after = redis.call('INCRBY', KEYS[i], n)
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[i], window)
    ttl = window
  end
  local ok = math.max(0, math.min(n, limit - (after - n)))
  admitted = admitted + ok
  out[#out + 1] = ok
  out[#out + 1] = ttl
end
local first = nextReceiptSeq(KEYS[1])
if admitted > 0 then
  redis.call('SET', KEYS[1], string.format('%.0f', first + admitted - 1))
end
table.insert(out, 1, string.format('%.0f', first))
return out`;

/** How many of an endpoint's requests were admitted, and the ms until its rate-limit window resets. */
export interface EndpointAllowance {
  admitted: number;
  resetMs: number;
}

export interface AdmissionResult {
  /** Sequence number of the first admitted request; the rest follow consecutively in request order. */
  firstSeq: number;
  /** Per endpoint id: its allowance (see admitInArrivalOrder for which requests take it). */
  byEndpoint: Map<number, EndpointAllowance>;
}

/** Rate limit and receipt order for a batch of requests, in one Redis round trip. */
export class Admission {
  /** The receipt sequence's key: a turn's replicas are awaited on its slot's node too (see EnqueueBatcher). */
  readonly seqKey: string;

  private readonly admitCommand: (...args: Array<string | number>) => Promise<unknown>;

  constructor(
    redis: RedisConnection,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.seqKey = receiptSeqKey(prefix);
    // A defined command runs by EVALSHA: the script's text crosses the wire once, not with every batch.
    if (!('postbackAdmit' in redis)) redis.defineCommand('postbackAdmit', { lua: ADMIT_SCRIPT });
    const command = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>).postbackAdmit!;
    this.admitCommand = command.bind(redis);
  }

  async admit(countsByEndpoint: Map<number, number>): Promise<AdmissionResult> {
    const endpoints = [...countsByEndpoint.keys()];
    const keys = [this.seqKey, ...endpoints.map((id) => `${this.prefix}:rate:${id}`)];
    const args = [this.limit, this.windowMs, ...endpoints.map((id) => countsByEndpoint.get(id)!)];
    const reply = (await this.admitCommand(keys.length, ...keys, ...args)) as [string, ...number[]];
    const byEndpoint = new Map<number, EndpointAllowance>();
    endpoints.forEach((id, i) => byEndpoint.set(id, { admitted: reply[1 + 2 * i] as number, resetMs: reply[2 + 2 * i] as number }));
    return { firstSeq: Number(reply[0]), byEndpoint };
  }
}
