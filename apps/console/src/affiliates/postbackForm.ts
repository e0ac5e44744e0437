import { AFFILIATE_EVENTS, type AffiliateEvent, type AffiliatePostbackInput, type AffiliateMethod } from '../api/affiliateTypes';

/**
 * The macros a URL or body template may use, for the form's hint. The API checks templates against core's list
 * (packages/core/src/notifications/template.ts); macros.test.ts keeps this copy equal to it.
 */
export const MACROS = [
  'transaction_id',
  'status',
  'previous_status',
  'rejected_reason',
  'previous_reason',
  'payout',
  'offer_id',
  'publisher_id',
  'sub_id',
  'changed_at',
] as const;

/** The API's bound of delay_seconds: a week. */
export const MAX_DELAY_SECONDS = 604_800;
export const DEFAULT_DELAY_SECONDS = 120;

/** The create form's values, as its inputs hold them. */
export interface PostbackFormValues {
  url: string;
  method: AffiliateMethod;
  /** One `Name: value` a line, as the CLI's --header takes them. */
  headers: string;
  body: string;
  events: AffiliateEvent[];
  /** Comma or line separated; empty: every reason. */
  reasons: string;
  delay: string;
  /** '' for every conversion of the publisher, else an offer's id. */
  offerId: string;
  signing: boolean;
}

export const EMPTY_FORM: PostbackFormValues = {
  url: '',
  method: 'GET',
  headers: '',
  body: '',
  events: ['rejected'],
  reasons: '',
  delay: String(DEFAULT_DELAY_SECONDS),
  offerId: '',
  signing: false,
};

/** A body and signing are for POST and PUT only (a GET sends neither). */
export const sendsBody = (method: AffiliateMethod) => method !== 'GET';

/** What the form refuses before asking the API, naming the API's field so the same input is marked. */
export class PostbackFormError extends Error {
  constructor(
    readonly field: 'url' | 'headers' | 'events' | 'delay_seconds',
    message: string,
  ) {
    super(message);
    this.name = 'PostbackFormError';
  }
}

/** `Name: value` lines as a headers object; blank lines are skipped. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '') throw new PostbackFormError('headers', `header line ${index + 1} is not "Name: value"`);
    headers[name] = line.slice(colon + 1).trim();
  });
  return headers;
}

/** Reasons split on commas and line ends, each once. */
export function parseReasons(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((r) => r.trim()).filter((r) => r !== ''))];
}

/**
 * The body of POST /admin/affiliate-postbacks from the form; optional fields left out when empty, so the API's
 * defaults apply. Throws PostbackFormError for what cannot be sent; templates (macros, the URL's shape) are the
 * API's to judge.
 */
export function newPostbackOf(publisherId: number, form: PostbackFormValues): AffiliatePostbackInput {
  const url = form.url.trim();
  if (url === '') throw new PostbackFormError('url', 'give the URL to call');
  if (form.events.length === 0) throw new PostbackFormError('events', 'choose at least one event');
  const delay = form.delay.trim();
  if (!/^\d+$/.test(delay) || Number(delay) > MAX_DELAY_SECONDS) {
    throw new PostbackFormError('delay_seconds', `the delay is a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}`);
  }
  const headers = parseHeaders(form.headers);
  const reasons = parseReasons(form.reasons);
  const withBody = sendsBody(form.method);
  return {
    publisher_id: publisherId,
    ...(form.offerId !== '' ? { offer_id: Number(form.offerId) } : {}),
    url,
    method: form.method,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(withBody && form.body !== '' ? { body: form.body } : {}),
    events: AFFILIATE_EVENTS.filter((e) => form.events.includes(e)),
    ...(reasons.length > 0 ? { reasons } : {}),
    delay_seconds: Number(delay),
    ...(withBody && form.signing ? { signing: true } : {}),
  };
}
