import { globalScope, offerScope, type Scope } from './postbackJob.js';

/**
 * A rejection URL's scope from its stored fields (a Postgres row, a registry entry in Redis), or null when they
 * do not make one. An offer-level URL whose offer is missing is no URL at all: it is never read as global.
 */
export function scopeOf(kind: string, advertiserId: number, offerId: number | null): Scope | null {
  if (kind === 'global' && offerId === null) return globalScope(advertiserId);
  if (kind === 'offer' && offerId !== null) return offerScope(advertiserId, offerId);
  return null;
}
