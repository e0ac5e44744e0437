import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes (256 bits), URL-safe: the secret an advertiser puts in the rejection URL. */
export function generateEndpointKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Keys are stored and looked up only by this hash. A fast unsalted hash is right here: the keys are random with
 * 256 bits of entropy, so there is nothing to brute-force, and the look-up is by exact hash, so no comparison of
 * secrets happens in our code at all.
 */
export function hashEndpointKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The values the rejection URL carries until the advertiser puts their own in place. The receiver refuses them
 * (a link preview fetching the URL as shared would otherwise store a rejection of transaction `REPLACE`).
 */
export const REJECTION_URL_PLACEHOLDERS = Object.freeze({
  new_rejected_reason: 'REPLACE_WITH_REJECTION_REASON',
  transaction_id: 'REPLACE',
} as const);

/** The URL handed to the advertiser: their key, and a placeholder for each field they fill in per rejection. */
export function rejectionUrl(publicBaseUrl: string, key: string): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const { new_rejected_reason: reason, transaction_id: transactionId } = REJECTION_URL_PLACEHOLDERS;
  return `${base}/v1/rejections?key=${key}&new_rejected_reason=${reason}&transaction_id=${transactionId}`;
}
