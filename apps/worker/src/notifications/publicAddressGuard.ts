import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { DestinationRefusedError } from './errors/index.js';

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface AddressPolicy {
  /** OUTBOUND_ALLOW_PRIVATE: loopback and private ranges allowed (tests, an affiliate inside the same network). */
  allowPrivate: boolean;
  resolve?: Resolver;
}

/**
 * Whether an address is one anybody on the internet could reach: ipaddr.js's "unicast", the range it gives when an
 * address is in none of the special ones (loopback, private, link-local, unique-local, carrier-grade NAT, multicast,
 * documentation, 6to4/Teredo, which may wrap a private IPv4). An IPv4-mapped IPv6 address is judged as its IPv4.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * The addresses a destination host may be connected to: an IP literal as it is (Node connects to a literal without
 * a lookup, so it must be checked here too), else every address it resolves to. Unless private destinations are
 * allowed, one address that is not public refuses the host (DestinationRefusedError naming it): a name that
 * resolves to a public and a private address could be steered to either.
 */
export async function publicAddressesOf(hostname: string, policy: AddressPolicy): Promise<string[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const addresses = isIP(host) ? [host] : await (policy.resolve ?? systemResolver)(host);
  if (!policy.allowPrivate) {
    const refused = addresses.find((address) => !isPublicAddress(address));
    if (refused !== undefined) throw new DestinationRefusedError(host, refused);
  }
  return addresses;
}
