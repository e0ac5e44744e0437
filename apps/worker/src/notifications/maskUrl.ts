// A query parameter whose name says it carries a credential.
const SECRET_PARAMETER = /key|token|secret|pass|sig|auth/i;
const MASK = '****';

/**
 * The URL as the delivery log keeps it: the value of every query parameter whose name looks like a credential, and
 * a password in the user part, become ****. The rest stays exactly as sent (no re-encoding), so the log shows what
 * went out.
 */
export function maskUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = maskUserPassword(queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt));
  if (queryAt === -1) return base + hash;
  const query = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equalsAt = pair.indexOf('=');
      if (equalsAt === -1) return pair;
      return SECRET_PARAMETER.test(decoded(pair.slice(0, equalsAt))) ? `${pair.slice(0, equalsAt)}=${MASK}` : pair;
    })
    .join('&');
  return `${base}?${query}${hash}`;
}

// scheme://user:password@host → scheme://user:****@host
function maskUserPassword(base: string): string {
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, `$1:${MASK}@`);
}

function decoded(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * An alert's webhook URL as the delivery log keeps it: a Slack-compatible incoming-webhook URL carries its secret in
 * the path (/services/T…/B…/secret), so everything after the first path segment becomes **** (and the query as
 * maskUrl masks it).
 */
export function maskWebhookUrl(url: string): string {
  return maskUrl(url).replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*\/[^/?#]*\/)[^?#]+/i, `$1${MASK}`);
}
