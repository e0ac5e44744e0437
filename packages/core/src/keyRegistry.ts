import type { Redis } from 'ioredis';
import type { Scope } from './postbackJob.js';

/** What a receiver learns from a valid key, without touching Postgres. */
export interface EndpointEntry {
  endpointId: number;
  scope: Scope;
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

/**
 * The receiver's view of the rejection endpoints: key hash → endpoint and scope, kept in Redis so that
 * receivers authenticate without Postgres. Postgres stays the source of truth; syncFrom() rebuilds this from it
 * (at worker start and periodically), so a Redis that lost its data heals itself.
 */
export class KeyRegistry {
  private readonly activeKey: string;
  private readonly revokedKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.activeKey = `${prefix}:endpoint-keys`;
    this.revokedKey = `${prefix}:revoked-keys`;
  }

  async lookup(keyHash: string): Promise<EndpointEntry | null> {
    const raw = await this.redis.hget(this.activeKey, keyHash);
    return raw === null ? null : decode(raw);
  }

  async register(endpoint: ActiveEndpoint): Promise<void> {
    await this.redis.eval(REGISTER_SCRIPT, 2, this.activeKey, this.revokedKey, endpoint.keyHash, encode(endpoint));
  }

  async revoke(keyHash: string): Promise<void> {
    await this.redis.multi().sadd(this.revokedKey, keyHash).hdel(this.activeKey, keyHash).exec();
  }

  /**
   * Brings in what Postgres says: adds the active keys (unless revoked meanwhile) and drops the revoked ones. It
   * never drops a key merely because `active` lacks it: `active` is a snapshot, and a key created after it was
   * read is valid. Keys whose endpoint is gone are dropped by forget(), after a fresh look at Postgres.
   */
  async syncFrom(active: readonly ActiveEndpoint[], revokedHashes: readonly string[]): Promise<void> {
    for (const chunk of chunks(revokedHashes, 1000)) {
      await this.redis.multi().sadd(this.revokedKey, ...chunk).hdel(this.activeKey, ...chunk).exec();
    }
    for (const chunk of chunks(active, 500)) {
      const args = chunk.flatMap((e) => [e.keyHash, encode(e)]);
      await this.redis.eval(REGISTER_SCRIPT, 2, this.activeKey, this.revokedKey, ...args);
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

function encode(e: EndpointEntry): string {
  return JSON.stringify([e.endpointId, e.scope.advertiserId, e.scope.offerId]);
}

function decode(raw: string): EndpointEntry {
  const [endpointId, advertiserId, offerId] = JSON.parse(raw) as [number, number, number | null];
  return { endpointId, scope: { advertiserId, offerId } };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
