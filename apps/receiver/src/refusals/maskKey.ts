import { unescape } from 'node:querystring';

// Longer paths are cut here: a request line may be 16 kB, and an entry is kept 100,000 times over.
export const PATH_MAX = 2048;
const MASK = '****';
// A parameter name kept as sent when the value is masked: a plain word, or our array syntax (`key[]`, `key[0]`)
// that the 400 names. Anything else (`key=…` inside an encoded name, `key:…`) could hold a part of the key.
const PLAIN_NAME = /^[\w.-]{1,64}(\[\d{0,4}\])?$/;

/**
 * The request's path and query string with the value of every parameter whose name mentions "key" (in any case,
 * once decoded as the query parser decodes it: `%6Bey`, `Key`, `api_key`, `key[0]`) replaced by `****`. More than
 * the receiver reads as the key, on purpose: an advertiser who misspells the name still sent the key as its value.
 */
export function pathWithKeyMasked(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url.slice(0, PATH_MAX);
  const params = url.slice(q + 1).split('&').map((param) => {
    const eq = param.indexOf('=');
    const rawName = eq < 0 ? param : param.slice(0, eq);
    const name = unescape(rawName.replace(/\+/g, ' '));
    if (!name.toLowerCase().includes('key')) return param;
    return `${PLAIN_NAME.test(name) ? name : 'key'}=${MASK}`;
  });
  return `${url.slice(0, q)}?${params.join('&')}`.slice(0, PATH_MAX);
}
