import { request, type Dispatcher } from 'undici';
import type { DeliveryRequest } from './deliveryRequest.js';
import { BadDestinationError, DeliveryTransportError, DestinationRefusedError } from './errors/index.js';

export const MAX_REDIRECTS = 5;
/** How much of an answer the delivery log keeps. */
export const RESPONSE_HEAD_BYTES = 1024;

export interface DeliveryAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first RESPONSE_HEAD_BYTES bytes of the body, as text. */
  head: string;
  /** Where the answer came from (after redirects). */
  url: string;
}

// 301/302/303 turn the request into a GET without a body (what browsers do); 307/308 repeat it as it was.
const REDIRECT_TO_GET = new Set([301, 302, 303]);
const REDIRECT_AS_IS = new Set([307, 308]);

/**
 * Sends one attempt of a notification's request and reads the answer's head. Every connection goes through the
 * dispatcher's guarded connector (see guardedConnector), redirects too, which are followed here (at most 5) so each
 * hop is its own request with its own check. The whole exchange, redirects and the body's head included, has
 * `timeoutMs`; the connector has its own connect timeout.
 * Throws DestinationRefusedError (SSRF guard), BadDestinationError (no retry can help), DeliveryTransportError
 * (worth a retry).
 */
export async function sendRequest(
  req: DeliveryRequest,
  headers: Record<string, string>,
  options: { dispatcher: Dispatcher; timeoutMs: number },
): Promise<DeliveryAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let method: string = req.method;
  let body = req.body;
  let sentHeaders = headers;
  let url = destinationUrl(req.url);
  for (let hop = 0; ; hop += 1) {
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(url, { method: method as Dispatcher.HttpMethod, headers: sentHeaders, body, dispatcher: options.dispatcher, signal });
    } catch (err) {
      throw transportError(err, signal, options.timeoutMs);
    }
    const location = single(answer.headers.location);
    const redirect = REDIRECT_TO_GET.has(answer.statusCode) || REDIRECT_AS_IS.has(answer.statusCode);
    if (!redirect || location === undefined) {
      try {
        return { statusCode: answer.statusCode, headers: answer.headers, head: await readHead(answer.body), url: url.toString() };
      } catch (err) {
        throw transportError(err, signal, options.timeoutMs);
      }
    }
    await answer.body.dump().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw new BadDestinationError(`more than ${MAX_REDIRECTS} redirects, the last to ${location}`);
    url = destinationUrl(location, url);
    if (REDIRECT_TO_GET.has(answer.statusCode) && method !== 'GET') {
      method = 'GET';
      body = null;
      sentHeaders = Object.fromEntries(Object.entries(sentHeaders).filter(([name]) => !/^content-(type|length)$/i.test(name)));
    }
  }
}

/** A URL we may send to: it parses (relative to the page that redirected) and is http or https. */
export function destinationUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new BadDestinationError(`not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadDestinationError(`not an http(s) URL: ${text}`);
  return url;
}

// Up to the first kilobyte; the rest is not read (breaking off the stream drops the connection, which is cheaper
// than downloading an answer nobody keeps). NUL is dropped: Postgres text cannot hold it.
async function readHead(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= RESPONSE_HEAD_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_HEAD_BYTES).toString('utf8').replaceAll('\u0000', '');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// The guard's refusal passes through as it is (undici may wrap a connector's error: its cause is looked at too).
function transportError(err: unknown, signal: AbortSignal, timeoutMs: number): Error {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof DestinationRefusedError || e instanceof BadDestinationError) return e;
  }
  const code = (err as { code?: string } | undefined)?.code;
  if (signal.aborted) return new DeliveryTransportError(`timed out after ${timeoutMs} ms`, 'timeout', { cause: err });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new DeliveryTransportError('connect timed out', 'timeout', { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryTransportError(code ? `${code}: ${message}` : message, 'network', { cause: err });
}
