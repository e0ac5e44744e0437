import type { RedisConnection } from './redis.js';

/**
 * The refused postback requests, as the receiver records them and the admin reads them: two capped Redis streams,
 * every refusal in one and, for a refusal whose key was known, also in its endpoint's own (same entry id in both).
 *
 * Their own hash tag, derived from QUEUE_PREFIX's (`{postback}` → `{postback-refusals}`), not the control slot: a
 * flood of bad keys writes here, and on a Redis Cluster that load then lands on whichever primary owns this slot
 * instead of on the one that admits every postback. Both streams share the tag, so one script writes a turn's
 * refusals to both in one call (a Cluster runs a script only over keys of one slot).
 */
export function refusalLogTag(controlTag: string): string {
  return `${controlTag.slice(0, -1)}-refusals}`;
}

export function refusalStreamKey(controlTag: string): string {
  return `${refusalLogTag(controlTag)}:refusals`;
}

export function endpointRefusalStreamKey(controlTag: string, endpointId: number): string {
  return `${refusalLogTag(controlTag)}:refusals:endpoint:${endpointId}`;
}

/**
 * One entry: one refused request, or several alike (same client, status, error, field and endpoint) refused in the
 * same event-loop turn, with the first one's path. Never the key: `path` has its value masked, the body is not kept.
 */
export interface Refusal {
  status: number;
  error: string;
  /** The field the error names, if any. */
  field: string | undefined;
  /** The endpoint whose key the request carried, when the key was known (refused after authentication). */
  endpointId: number | undefined;
  /** The client's address (req.ip, as TRUST_PROXY decides). */
  client: string;
  /** The request's path and query string, the key's value as `****`. */
  path: string;
  count: number;
}

export interface RecordedRefusal extends Refusal {
  /** The stream entry id: when Redis recorded it (ms) and a sequence; the admin's paging cursor. */
  id: string;
  at: Date;
}

// Field names as stored, in this order: the same fields in every entry let Redis keep only the values per entry.
const FIELDS = ['status', 'error', 'field', 'endpoint', 'client', 'path', 'count'] as const;

/** A refusal's values in FIELDS order, as the write script takes them ('' for none). */
export function refusalValues(r: Refusal): string[] {
  return [String(r.status), r.error, r.field ?? '', r.endpointId === undefined ? '' : String(r.endpointId), r.client, r.path, String(r.count)];
}

export const REFUSAL_FIELD_NAMES: readonly string[] = FIELDS;

/** A stream entry as XRANGE returns it ([id, [name, value, …]]) back as a refusal. */
export function refusalOfEntry(id: string, flat: string[]): RecordedRefusal {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  const endpoint = f.get('endpoint');
  return {
    id,
    at: new Date(Number(id.slice(0, id.indexOf('-')))),
    status: Number(f.get('status')),
    error: f.get('error') ?? '',
    field: f.get('field') || undefined,
    endpointId: endpoint ? Number(endpoint) : undefined,
    client: f.get('client') ?? '',
    path: f.get('path') ?? '',
    count: Number(f.get('count') ?? 1),
  };
}

/** Reads the refusal streams, newest first (the admin's side). */
export class RefusalLog {
  constructor(
    private readonly redis: RedisConnection,
    private readonly controlTag: string,
  ) {}

  /**
   * Up to `count` entries newest first, of every refusal or of one endpoint's, older than the entry `before` (when
   * given) and recorded at or after `sinceMs` (when given).
   */
  async newestFirst(options: { endpointId?: number; before?: string; sinceMs?: number; count: number }): Promise<RecordedRefusal[]> {
    const key = options.endpointId === undefined ? refusalStreamKey(this.controlTag) : endpointRefusalStreamKey(this.controlTag, options.endpointId);
    // Nothing is older than the first id there is (and Redis refuses "(0-0" as a range's end).
    if (options.before === '0-0') return [];
    const end = options.before === undefined ? '+' : `(${options.before}`;
    const start = options.sinceMs === undefined ? '-' : String(options.sinceMs);
    const entries = await this.redis.xrevrange(key, end, start, 'COUNT', options.count);
    return entries.map(([id, flat]) => refusalOfEntry(id, flat));
  }
}
