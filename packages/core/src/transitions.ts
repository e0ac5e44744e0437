import type { ConversionStatus, Outcome } from './outcomes.js';
import type { Scope } from './postbackJob.js';

/** A conversion as the transition rules need to see it. */
export interface ConversionState {
  status: ConversionStatus;
  rejectedReason: string | null;
  offerId: number;
  advertiserId: number;
  /** Seq of the last postback applied to this conversion, or null if none was. */
  lastPostbackSeq: number | null;
}

export interface PostbackInput {
  seq: number;
  reason: string;
  scope: Scope;
  /**
   * The revocation sequence number of the postback's key, when it was revoked (absent or null when not): a
   * postback with a higher seq was received after the revocation.
   */
  keyRevokedSeq?: number | null;
  /** When the receiver got the postback (epoch ms); with keyExpiresAt, decides whether its key had expired. */
  receivedAt?: number;
  /**
   * The end of the grace period of the postback's key, when the key was rotated (epoch ms; absent or null when
   * not): a postback received at or after it is treated as received after a revocation.
   */
  keyExpiresAt?: number | null;
}

export interface StatusChange {
  fromStatus: ConversionStatus;
  toStatus: ConversionStatus;
  oldReason: string | null;
  newReason: string;
}

export interface Decision {
  outcome: Outcome;
  /** The conversion after the postback, when the postback was applied (even if nothing visible changed). */
  next?: ConversionState;
  /** Present when the status or reason changed: exactly one history row is written for it. */
  change?: StatusChange;
}

export function inScope(conversion: Pick<ConversionState, 'offerId' | 'advertiserId'>, scope: Scope): boolean {
  switch (scope.kind) {
    case 'offer':
      return conversion.offerId === scope.offerId;
    case 'global':
      return conversion.advertiserId === scope.advertiserId;
  }
}

/**
 * Whether the postback's key had been revoked when the postback was received: after its revocation (by the receipt
 * sequence), or at or after the end of its grace period once rotated (by the receiver's clock, which the receiver
 * also checked: this is the second line, for a receiver whose clock or cache let it through).
 */
export function receivedAfterRevocation(postback: Pick<PostbackInput, 'seq' | 'keyRevokedSeq' | 'receivedAt' | 'keyExpiresAt'>): boolean {
  const revokedSeq = postback.keyRevokedSeq ?? null;
  if (revokedSeq !== null && postback.seq > revokedSeq) return true;
  const expiresAt = postback.keyExpiresAt ?? null;
  return expiresAt !== null && postback.receivedAt !== undefined && postback.receivedAt >= expiresAt;
}

/**
 * The rules of the product, as the seed document states them, plus revocation and ordering:
 * received after its key was revoked (or at or after its rotated key's expiry) → nothing; not found → nothing; outside the key's scope → nothing; older
 * than a postback already applied → nothing; approved or pending → rejected; rejected with another reason →
 * reason replaced; same reason → nothing.
 */
export function decide(conversion: ConversionState | null, postback: PostbackInput): Decision {
  // First: a revoked key does nothing at all, whatever the conversion; the log row says why.
  if (receivedAfterRevocation(postback)) return { outcome: 'revoked' };
  if (conversion === null) return { outcome: 'not_found' };
  if (!inScope(conversion, postback.scope)) return { outcome: 'out_of_scope' };
  if (conversion.lastPostbackSeq !== null && postback.seq < conversion.lastPostbackSeq) {
    return { outcome: 'superseded' };
  }
  const next: ConversionState = {
    ...conversion,
    status: 'rejected',
    rejectedReason: postback.reason,
    lastPostbackSeq: Math.max(postback.seq, conversion.lastPostbackSeq ?? 0),
  };
  if (conversion.status === 'rejected' && conversion.rejectedReason === postback.reason) {
    return { outcome: 'unchanged', next };
  }
  const change: StatusChange = {
    fromStatus: conversion.status,
    toStatus: 'rejected',
    oldReason: conversion.rejectedReason,
    newReason: postback.reason,
  };
  return { outcome: conversion.status === 'rejected' ? 'reason_updated' : 'rejected', next, change };
}

export interface SequencedPostback extends PostbackInput {
  postbackId: string;
  transactionId: string;
}

export interface BatchDecision<P extends SequencedPostback> {
  /** One entry per postback, in the order given. */
  results: Array<{ postback: P; decision: Decision }>;
  /** Final state of every conversion the batch changed, keyed by transaction id. */
  finalStates: Map<string, ConversionState>;
}

/**
 * Applies a batch as if its postbacks had been applied one at a time in the order they were received (by seq),
 * so that a batch gives the same history rows and final state as the postbacks would one by one.
 */
export function decideBatch<P extends SequencedPostback>(
  conversions: ReadonlyMap<string, ConversionState>,
  postbacks: readonly P[],
): BatchDecision<P> {
  const states = new Map(conversions);
  const finalStates = new Map<string, ConversionState>();
  const ordered = [...postbacks].sort((a, b) => a.seq - b.seq);
  const decisions = new Map<P, Decision>();
  for (const postback of ordered) {
    const decision = decide(states.get(postback.transactionId) ?? null, postback);
    if (decision.next) {
      states.set(postback.transactionId, decision.next);
      finalStates.set(postback.transactionId, decision.next);
    }
    decisions.set(postback, decision);
  }
  return { results: postbacks.map((postback) => ({ postback, decision: decisions.get(postback)! })), finalStates };
}
