import { bodyEncodingOf, renderBody, renderUrl, type MacroValues } from '@postback/core';
import type { DeliveryRequest } from './deliveryRequest.js';

/** An affiliate postback's templates, as stored. */
export interface PostbackTemplate {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The conversion as it is when the notification is rendered, and what the notification remembers of before. */
export interface NotificationFacts {
  transactionId: string;
  status: string | null;
  rejectedReason: string | null;
  previousStatus: string | null;
  previousReason: string | null;
  /** conversions.payout as Postgres prints it ("12.5000"); null when unset. */
  payout: string | null;
  offerId: number | null;
  publisherId: number | null;
  subId: string | null;
  /** The conversion's last change (updated_at). */
  changedAt: Date | null;
}

/** Every macro's value for a notification: numbers as text, changed_at in ISO 8601 UTC with milliseconds. */
export function macroValuesOf(facts: NotificationFacts): MacroValues {
  return {
    transaction_id: facts.transactionId,
    status: facts.status,
    previous_status: facts.previousStatus,
    rejected_reason: facts.rejectedReason,
    previous_reason: facts.previousReason,
    payout: facts.payout,
    offer_id: facts.offerId === null ? null : String(facts.offerId),
    publisher_id: facts.publisherId === null ? null : String(facts.publisherId),
    sub_id: facts.subId,
    changed_at: facts.changedAt === null ? null : facts.changedAt.toISOString(),
  };
}

/**
 * The request an affiliate notification sends, rendered once (at its first attempt) and stored, so every retry
 * sends the same. The URL's macros are URL-encoded; a POST/PUT body's are escaped for its content type. A body
 * without a content-type header is sent as JSON when its template looks like JSON, else as plain text, and the
 * header says so. A GET carries no body.
 */
export function renderNotification(postback: PostbackTemplate, values: MacroValues): DeliveryRequest {
  const method = postback.method === 'POST' || postback.method === 'PUT' ? postback.method : 'GET';
  const headers = { ...postback.headers };
  if (method === 'GET' || postback.body === null) return { method, url: renderUrl(postback.url, values), headers, body: null };
  const typeHeader = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  if (typeHeader === undefined) headers['content-type'] = /^\s*[[{]/.test(postback.body) ? 'application/json' : 'text/plain';
  const contentType = headers[typeHeader ?? 'content-type'];
  return { method, url: renderUrl(postback.url, values), headers, body: renderBody(postback.body, values, bodyEncodingOf(contentType)) };
}
