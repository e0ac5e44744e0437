import { scopeOf } from './endpointScope.js';
import type { Scope } from './postbackJob.js';
import { NEXT_RECEIPT_SEQ_LUA, receiptSeqKey } from './receiptSequence.js';
import { NO_REPLICA_WAIT, replicatedWrite, type Replication, type ReplicaPolicy } from './replicatedWrite.js';
import type { RedisConnection } from './redis.js';

/** What a receiver learns from a valid key, without touching Postgres. */
export interface EndpointEntry {
  endpointId: number;
  scope: Scope;
  /** A rotated key's end of grace (epoch ms): refused from then on. Absent for a key never rotated. */
  expiresAt?: number;
}

export interface ActiveEndpoint extends EndpointEntry {
  keyHash: string;
}

// Adds a key unless it was revoked: a registry sync that read Postgres just before a revocation cannot bring
// the revoked key back.
const REGISTER_SCRIPT = `
for i = 1, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 1`;

// A revocation, in one atomic step: the key leaves the registry for good, and the endpoint gets its revocation
// sequence number, taken from the receipt sequence itself (and the counter moved up to it), so that it is greater
// than every postback's seq handed out before and smaller than every one handed out after. A second revocation of
// the endpoint keeps the first one's number.
// KEYS: revoked key hashes, active registry, revocation seqs, receipt sequence. ARGV: key hash, endpoint id.
const REVOKE_SCRIPT = `${NEXT_RECEIPT_SEQ_LUA}
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local recorded = redis.call('HGET', KEYS[3], ARGV[2])
if recorded then return recorded end
local seq = string.format('%.0f', nextReceiptSeq(KEYS[4]))
redis.call('SET', KEYS[4], seq)
redis.call('HSET', KEYS[3], ARGV[2], seq)
return seq`;

// A rotation, in one atomic step: the replacement's key is registered (unless revoked meanwhile) and the replaced
// key gets its expiry, so receivers never see one without the other.
// KEYS: active registry, revoked key hashes, expiries. ARGV: new key hash, its entry, old key hash, old expiry (ms).
const ROTATE_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 1`;

/**
 * The receiver's view of the rejection endpoints: key hash → endpoint and scope, kept in Redis so that
 * receivers authenticate without Postgres. Postgres stays the source of truth; syncFrom() rebuilds this from it
 * (at worker start and periodically), so a Redis that lost its data heals itself.
 */
export class KeyRegistry {
  private readonly activeKey: string;
  private readonly revokedKey: string;
  private readonly revokedSeqKey: string;
  /** Key hash → a rotated key's expiry (epoch ms). Apart from the entries so that a sync never erases one. */
  private readonly expiriesKey: string;
  private readonly receiptSeqKey: string;
  private readonly replication: Replication;

  /** `replicas`: what the admin's register() and revoke() wait for before they answer (ACK_REPLICAS). */
  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    replicas: ReplicaPolicy = NO_REPLICA_WAIT,
  ) {
    this.replication = { connection: redis, policy: replicas };
    this.activeKey = `${prefix}:endpoint-keys`;
    this.revokedKey = `${prefix}:revoked-keys`;
    this.revokedSeqKey = `${prefix}:revoked-seqs`;
    this.expiriesKey = `${prefix}:key-expiries`;
    this.receiptSeqKey = receiptSeqKey(prefix);
  }

  /**
   * The endpoint of a key, with its expiry when it was rotated, or null for an unknown or revoked key, or an entry
   * that names no valid scope. One round trip (both hashes are in one slot).
   */
  async lookup(keyHash: string): Promise<EndpointEntry | null> {
    const replies = await this.redis.pipeline().hget(this.activeKey, keyHash).hget(this.expiriesKey, keyHash).exec();
    const [entryReply, expiryReply] = replies ?? [];
    if (entryReply?.[0]) throw entryReply[0];
    if (expiryReply?.[0]) throw expiryReply[0];
    const raw = entryReply?.[1] as string | null | undefined;
    const entry = raw == null ? null : decode(raw);
    const expiry = expiryReply?.[1] as string | null | undefined;
    return entry !== null && expiry != null ? { ...entry, expiresAt: Number(expiry) } : entry;
  }

  /** Registers a key; with replicas asked for, resolves once they have it (the admin shows the key after this). */
  async register(endpoint: ActiveEndpoint): Promise<void> {
    await replicatedWrite(this.replication, this.activeKey, () =>
      this.redis.eval(REGISTER_SCRIPT, 2, this.activeKey, this.revokedKey, endpoint.keyHash, encode(endpoint)),
    );
  }

  /**
   * Registers a rotation: the replacement's key, and the replaced key's expiry, in one atomic step; with replicas
   * asked for, resolves once they have both (the admin shows the new key after this).
   */
  async rotate(replacement: ActiveEndpoint, replaced: { keyHash: string; expiresAt: number }): Promise<void> {
    const keys = [this.activeKey, this.revokedKey, this.expiriesKey];
    await replicatedWrite(this.replication, this.activeKey, () =>
      this.redis.eval(ROTATE_SCRIPT, keys.length, ...keys, replacement.keyHash, encode(replacement), replaced.keyHash, replaced.expiresAt),
    );
  }

  /** Drops expiries Postgres does not hold (a rotation undone, or one a sync wrote from a snapshot taken before). */
  async clearExpiries(keyHashes: readonly string[]): Promise<void> {
    for (const chunk of chunks(keyHashes, 1000)) await this.redis.hdel(this.expiriesKey, ...chunk);
  }

  /** The key hashes with an expiry in Redis that `known` lacks: candidates for clearExpiries(), after a fresh look. */
  async expiringOutside(known: ReadonlySet<string>): Promise<string[]> {
    return (await this.redis.hkeys(this.expiriesKey)).filter((h) => !known.has(h));
  }

  /**
   * Takes a key out of the registry for good and returns the endpoint's revocation sequence number: a postback of
   * this endpoint with a higher seq was received after the revocation. Idempotent (a second call returns the first
   * number). With replicas asked for, resolves once they have it: a failover must not bring the key back, nor take
   * the counter below the number handed out.
   */
  async revoke(endpoint: { endpointId: number; keyHash: string }): Promise<number> {
    const keys = [this.revokedKey, this.activeKey, this.revokedSeqKey, this.receiptSeqKey];
    const seq = await replicatedWrite(this.replication, this.activeKey, () =>
      this.redis.eval(REVOKE_SCRIPT, keys.length, ...keys, endpoint.keyHash, endpoint.endpointId),
    );
    return Number(seq as string);
  }

  /**
   * The revocation sequence numbers Redis holds for these endpoints (those never revoked are absent), in one
   * round trip. The worker asks this for every batch: Redis has a revocation before Postgres does.
   */
  async revokedSeqs(endpointIds: readonly number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (endpointIds.length === 0) return out;
    const seqs = await this.redis.hmget(this.revokedSeqKey, ...endpointIds.map(String));
    endpointIds.forEach((id, i) => {
      const seq = seqs[i];
      if (seq !== null && seq !== undefined) out.set(id, Number(seq));
    });
    return out;
  }

  /**
   * Brings in what Postgres says: adds the active keys (unless revoked meanwhile) and their expiries, and drops
   * the revoked ones. It never drops a key, nor an expiry, merely because `active` lacks it: `active` is a
   * snapshot, and a key created (or rotated) after it was read is valid (or expiring). Keys whose endpoint is gone
   * are dropped by forget(), expiries Postgres no longer holds by clearExpiries(), each after a fresh look.
   */
  async syncFrom(active: readonly ActiveEndpoint[], revokedHashes: readonly string[]): Promise<void> {
    for (const chunk of chunks(revokedHashes, 1000)) {
      await this.redis.multi().sadd(this.revokedKey, ...chunk).hdel(this.activeKey, ...chunk).hdel(this.expiriesKey, ...chunk).exec();
    }
    for (const chunk of chunks(active, 500)) {
      const args = chunk.flatMap((e) => [e.keyHash, encode(e)]);
      await this.redis.eval(REGISTER_SCRIPT, 2, this.activeKey, this.revokedKey, ...args);
      const expiring = chunk.filter((e) => e.expiresAt !== undefined).flatMap((e) => [e.keyHash, String(e.expiresAt)]);
      if (expiring.length > 0) await this.redis.hset(this.expiriesKey, ...expiring);
    }
  }

  /** The registered key hashes that `known` lacks: candidates for forget(), once Postgres confirms they are gone. */
  async hashesOutside(known: ReadonlySet<string>): Promise<string[]> {
    return (await this.redis.hkeys(this.activeKey)).filter((h) => !known.has(h));
  }

  /** Drops keys whose endpoint no longer exists in Postgres. */
  async forget(keyHashes: readonly string[]): Promise<void> {
    for (const chunk of chunks(keyHashes, 1000)) await this.redis.hdel(this.activeKey, ...chunk);
  }
}

// An entry is [endpointId, advertiserId, offerId, kind]. Entries written before the kind was added have three
// elements and said the scope by offerId alone; they stay readable that way until the next sync rewrites them.
function encode(e: EndpointEntry): string {
  return JSON.stringify([e.endpointId, e.scope.advertiserId, e.scope.offerId, e.scope.kind]);
}

function decode(raw: string): EndpointEntry | null {
  const [endpointId, advertiserId, offerId, kind] = JSON.parse(raw) as [number, number, number | null, string?];
  const scope = scopeOf(kind ?? (offerId === null ? 'global' : 'offer'), advertiserId, offerId);
  return scope === null ? null : { endpointId, scope };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
