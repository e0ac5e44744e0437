import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/**
 * Whether a request reached us over HTTPS: its own connection is TLS, or the peer that connected is a TRUST_PROXY
 * address and the last X-Forwarded-Proto value says https. The last value, not Express's req.secure (which reads the
 * first): a proxy that appends to the header puts its own value last, after whatever the client sent, so a client
 * on plain HTTP could otherwise claim `https` itself.
 */
export function arrivedOverHttps(req: Request): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const trusted = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  if (!trusted(req.socket.remoteAddress, 0)) return false;
  // Node joins repeated X-Forwarded-Proto headers with ", ", so the last value is the last header's last value.
  const header = req.headers['x-forwarded-proto'];
  if (typeof header !== 'string') return false;
  return header.slice(header.lastIndexOf(',') + 1).trim().toLowerCase() === 'https';
}
