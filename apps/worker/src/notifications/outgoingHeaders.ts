import { Webhook } from 'standardwebhooks';
import type { DeliveryRequest } from './deliveryRequest.js';

export const USER_AGENT = 'PostbackPipeline/1';

/**
 * The headers of one attempt: the request's own, then ours, which win over a same-named one in any case:
 * user-agent, webhook-id (the notification's id, the same on every attempt, so a receiver can drop a duplicate)
 * and, for a signed POST/PUT, webhook-timestamp and webhook-signature of this attempt (Standard Webhooks, signed by
 * its reference package: HMAC-SHA256 of `id.timestamp.body` with the secret after whsec_).
 */
export function outgoingHeaders(
  request: DeliveryRequest,
  notificationId: string,
  secret: string | null,
  now: Date = new Date(),
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['user-agent'] = USER_AGENT;
  headers['webhook-id'] = notificationId;
  if (secret !== null && request.method !== 'GET') {
    headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(secret).sign(notificationId, now, request.body ?? '');
  }
  return headers;
}
