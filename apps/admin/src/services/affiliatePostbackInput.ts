import { z } from 'zod';
import { AFFILIATE_EVENTS, MACROS, REASON_MAX, unknownMacros } from '@postback/core';
import { AdminInputError } from '../adminErrors.js';
import { int4Id, text, wholeNumber } from './inputTypes.js';
import { outboundUrl } from './outboundUrl.js';
import { parseInput } from './parseInput.js';

export const POSTBACK_METHODS = ['GET', 'POST', 'PUT'] as const;
/** The methods that carry a body, and so may be signed (the signature covers the body). */
const WITH_BODY: ReadonlySet<string> = new Set(['POST', 'PUT']);
/** A week: the longest an affiliate may ask the network to wait for corrections to settle. */
export const DELAY_SECONDS_MAX = 604_800;
export const DELAY_SECONDS_DEFAULT = 120;
const BODY_MAX = 65_536;
const HEADERS_MAX = 50;
const HEADER_VALUE_MAX = 4096;

// RFC 9110's token: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/**
 * Headers the sender sets itself: the Standard Webhooks ones (webhook-id, -timestamp, -signature), and the framing
 * and connection headers an HTTP client computes (a wrong one would corrupt the request or be refused by undici).
 */
const RESERVED_PREFIX = 'webhook-';
const SET_BY_THE_SENDER: ReadonlySet<string> = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection',
]);
// A value is sent as given: CR or LF would end the header (header injection), other control characters are refused
// by HTTP clients. Tab is allowed (RFC 9110 field-value).
// eslint-disable-next-line no-control-regex
const BAD_HEADER_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const headerValue = z
  .string({ error: 'must be a string' })
  .max(HEADER_VALUE_MAX, { message: `must be at most ${HEADER_VALUE_MAX} characters` })
  .refine((v) => !BAD_HEADER_VALUE.test(v), { message: 'must not contain CR, LF or other control characters' });

const headers = z
  .record(z.string(), headerValue, { error: 'must be an object of header names to string values' })
  .superRefine((h, ctx) => {
    const names = Object.keys(h);
    if (names.length > HEADERS_MAX) ctx.addIssue({ code: 'custom', message: `must have at most ${HEADERS_MAX} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      const problem = !HEADER_NAME.test(name)
        ? 'is not a valid header name (letters, digits and !#$%&\'*+.^_`|~- only)'
        : lower.startsWith(RESERVED_PREFIX)
          ? 'is set by the sender: webhook-* headers are the Standard Webhooks ones (webhook-id, webhook-timestamp, webhook-signature)'
          : SET_BY_THE_SENDER.has(lower)
            ? 'is set by the sender'
            : seen.has(lower)
              ? 'is given twice (header names are case-insensitive)'
              : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
      seen.add(lower);
    }
  })
  .meta({ description: 'Header names to values, sent with every delivery; not webhook-*, no CR or LF' });

const unique = <T>(list: T[]) => [...new Set(list)];

// Strict: a misspelt optional field (delay_second) would otherwise be dropped and its default used without a word.
export const affiliatePostbackInput = z
  .strictObject({
    publisher_id: int4Id,
    /** Only this offer's conversions of the publisher; all of them when absent. */
    offer_id: int4Id.optional(),
    /** A template: macros such as {transaction_id} are URL-encoded where they land. */
    url: outboundUrl,
    method: z
      .string({ error: 'must be GET, POST or PUT' })
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(POSTBACK_METHODS, { error: 'must be GET, POST or PUT' }))
      .default('GET'),
    headers: headers.default({}),
    /** A template (POST or PUT only): macros are escaped for the body's content type. */
    body: z
      .string({ error: 'must be a string' })
      .max(BODY_MAX, { message: `must be at most ${BODY_MAX} characters` })
      .refine((b) => !b.includes('\u0000'), { message: 'must not contain U+0000' })
      .optional(),
    events: z
      .array(z.enum(AFFILIATE_EVENTS), { error: `must be a list of ${AFFILIATE_EVENTS.join(', ')}` })
      .min(1, { message: `must name at least one of ${AFFILIATE_EVENTS.join(', ')}` })
      .transform(unique),
    /** Fire only for these rejection reasons; every reason when empty or absent. */
    reasons: z.array(text(REASON_MAX)).max(100, { message: 'must have at most 100 reasons' }).transform(unique).default([]),
    delay_seconds: wholeNumber(0, DELAY_SECONDS_MAX).default(DELAY_SECONDS_DEFAULT),
    /** Sign deliveries (Standard Webhooks); POST or PUT only. The secret is shown once, in the 201. */
    signing: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .superRefine((p, ctx) => {
    if (p.body !== undefined && !WITH_BODY.has(p.method)) {
      ctx.addIssue({ code: 'custom', message: `only a POST or PUT postback has a body (this one is ${p.method})`, path: ['body'] });
    }
    if (p.signing && !WITH_BODY.has(p.method)) {
      ctx.addIssue({ code: 'custom', message: `only a POST or PUT postback can be signed (this one is ${p.method})`, path: ['signing'] });
    }
  });

export type AffiliatePostbackInput = z.output<typeof affiliatePostbackInput>;

const KNOWN_MACROS = MACROS.map((m) => `{${m}}`).join(', ');

/** The first unknown macro of a template as the 400 it is: "unknown macro {clickid} in url (known: …)". */
function refuseUnknownMacros(template: string | undefined, field: 'url' | 'body'): void {
  const [unknown] = template === undefined ? [] : unknownMacros(template);
  if (unknown !== undefined) throw new AdminInputError(`unknown macro {${unknown}} in ${field} (the macros: ${KNOWN_MACROS})`, field);
}

/** A create request, validated: every field's rules, then the templates' macros, each refused by name. */
export function parseAffiliatePostback(input: unknown): AffiliatePostbackInput {
  const p = parseInput(affiliatePostbackInput, input);
  refuseUnknownMacros(p.url, 'url');
  refuseUnknownMacros(p.body, 'body');
  return p;
}
