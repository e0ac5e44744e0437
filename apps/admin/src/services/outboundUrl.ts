import { z } from 'zod';

/** The longest URL the admin takes for a destination: more than any server reads in one request line. */
export const OUTBOUND_URL_MAX = 2048;

/**
 * Why `url` cannot be a destination the delivery worker sends to, or undefined when it can: http or https, written
 * out (`http:/x`, which WHATWG URL forgives, is refused), with a host, no user name or password (they would be sent
 * in clear to anyone reading the delivery log), and no macro in the host (a value must not choose where a request
 * goes). Whether the host is public is checked when connecting (the SSRF guard), since a name resolves anew each time.
 */
export function outboundUrlProblem(url: string): string | undefined {
  if (!/^https?:\/\/[^/]/i.test(url)) return 'must be an http:// or https:// URL with a host';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.hostname === '') return 'must be an http:// or https:// URL with a host';
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user name or password';
  if (parsed.host.includes('{')) return 'must not have a macro in its host';
  return undefined;
}

/** An outbound URL as an input field: at most OUTBOUND_URL_MAX characters, no whitespace or control characters. */
export const outboundUrl = z
  .string({ error: 'must be a string' })
  .max(OUTBOUND_URL_MAX, { message: `must be at most ${OUTBOUND_URL_MAX} characters` })
  // eslint-disable-next-line no-control-regex
  .refine((u) => !/[\u0000-\u0020\u007f-\u009f\ufffd]|\p{Cs}/u.test(u), { message: 'must not contain whitespace or control characters' })
  .superRefine((u, ctx) => {
    const problem = outboundUrlProblem(u);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri', maxLength: OUTBOUND_URL_MAX });
