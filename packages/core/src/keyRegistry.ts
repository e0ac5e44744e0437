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

  /** Makes the registry match Postgres: adds what is missing, drops what is revoked or gone. */
  async syncFrom(active: readonly ActiveEndpoint[], revokedHashes: readonly string[]): Promise<void> {
    for (const chunk of chunks(revokedHashes, 1000)) await this.redis.sadd(this.revokedKey, ...chunk);
    for (const chunk of chunks(active, 500)) {
      const args = chunk.flatMap((e) => [e.keyHash, encode(e)]);
      await this.redis.eval(REGISTER_SCRIPT, 2, this.activeKey, this.revokedKey, ...args);
    }
    const wanted = new Set(active.map((e) => e.keyHash));
    const stale = (await this.redis.hkeys(this.activeKey)).filter((h) => !wanted.has(h));
    for (const chunk of chunks(stale, 1000)) await this.redis.hdel(this.activeKey, ...chunk);
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
