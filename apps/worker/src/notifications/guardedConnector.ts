import { buildConnector } from 'undici';
import { publicAddressesOf, type AddressPolicy } from './publicAddressGuard.js';

/**
 * undici's connector behind the SSRF guard: at connect time, for every connection (the first hop and every
 * redirect's), the host is resolved once, every address checked (publicAddressesOf), and the socket opened to a
 * checked address, so a name cannot resolve to something else between the check and the connect. The addresses are
 * tried in turn while they refuse the connection. TLS still verifies the certificate for the host name (undici takes
 * the server name from the origin, not from the address).
 */
export function guardedConnector(options: {
  policy: AddressPolicy;
  connectTimeoutMs: number;
  /** The connector that opens the socket to a checked address; undici's own by default. */
  connect?: buildConnector.connector;
}): buildConnector.connector {
  const connect = options.connect ?? buildConnector({ timeout: options.connectTimeoutMs });
  return (target, callback) => {
    const tryFrom = (addresses: string[], index: number) => {
      connect({ ...target, hostname: addresses[index]! }, (err, socket) => {
        if (err && index + 1 < addresses.length && isRefusal(err)) return tryFrom(addresses, index + 1);
        if (err) return callback(err, null);
        callback(null, socket!);
      });
    };
    publicAddressesOf(target.hostname, options.policy).then(
      (addresses) => tryFrom(addresses, 0),
      (err: Error) => callback(err, null),
    );
  };
}

// Another address may answer where this one refused or was unreachable (an IPv6 address on an IPv4-only server).
function isRefusal(err: Error): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL';
}
