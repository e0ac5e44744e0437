import {
  endpointRefusalStreamKey,
  REFUSAL_FIELD_NAMES,
  refusalStreamKey,
  refusalValues,
  type Refusal,
  type RedisConnection,
} from '@postback/core';
import type { WriteRefusals } from './refusalRecorder.js';

// An endpoint's stream goes this long after its last refusal: a revoked URL's refusals do not stay for ever.
const ENDPOINT_STREAM_IDLE_MS = 30 * 24 * 3600 * 1000;

// One call per turn writes every entry to the stream of all refusals and, for an entry with an endpoint, under the
// same id to that endpoint's stream (so an entry has one id, the admin's cursor, in both). Both trimmed with
// MAXLEN ~, which trims whole nodes of the stream (cheap) and so may keep a little more than the cap.
// KEYS: all, then each endpoint stream named. ARGV: cap of all, cap per endpoint, idle ms, the field names' count,
// the field names, then per entry: the index in KEYS of its endpoint stream (0: none) and its values.
const WRITE_SCRIPT = `
local cap, endpointCap, idle, nf = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local names = {}
for f = 1, nf do names[f] = ARGV[4 + f] end
local i = 5 + nf
while i <= #ARGV do
  local fields = {}
  for f = 1, nf do
    fields[#fields + 1] = names[f]
    fields[#fields + 1] = ARGV[i + f]
  end
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', cap, '*', unpack(fields))
  local ek = tonumber(ARGV[i])
  if ek > 0 then
    -- An endpoint stream ahead of the stream of all (that one deleted by hand) takes a new id instead.
    local added = redis.pcall('XADD', KEYS[ek], 'MAXLEN', '~', endpointCap, id, unpack(fields))
    if type(added) == 'table' and added.err then
      redis.call('XADD', KEYS[ek], 'MAXLEN', '~', endpointCap, '*', unpack(fields))
    end
    redis.call('PEXPIRE', KEYS[ek], idle)
  end
  i = i + nf + 1
end
return 0`;

/** The write a RefusalRecorder hands each turn's entries to: one script call (EVALSHA) on `redis`. */
export function refusalStreamWriter(redis: RedisConnection, controlTag: string, caps: { all: number; perEndpoint: number }): WriteRefusals {
  if (!('postbackRecordRefusals' in redis)) redis.defineCommand('postbackRecordRefusals', { lua: WRITE_SCRIPT });
  const command = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>).postbackRecordRefusals!.bind(redis);
  const allKey = refusalStreamKey(controlTag);
  return (refusals: readonly Refusal[]) => {
    const keys = [allKey];
    const keyIndex = new Map<number, number>();
    const perEntry: Array<string | number> = [];
    for (const refusal of refusals) {
      let index = 0;
      if (refusal.endpointId !== undefined) {
        index = keyIndex.get(refusal.endpointId) ?? keys.push(endpointRefusalStreamKey(controlTag, refusal.endpointId));
        keyIndex.set(refusal.endpointId, index);
      }
      perEntry.push(index, ...refusalValues(refusal));
    }
    const args = [caps.all, caps.perEndpoint, ENDPOINT_STREAM_IDLE_MS, REFUSAL_FIELD_NAMES.length, ...REFUSAL_FIELD_NAMES, ...perEntry];
    return command(keys.length, ...keys, ...args);
  };
}
