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
