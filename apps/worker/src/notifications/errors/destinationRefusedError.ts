/**
 * A destination the SSRF guard refuses: its host is, or resolves to, an address that is not public (loopback,
 * private, link-local, …) while OUTBOUND_ALLOW_PRIVATE is off. The message names the host and the address.
 */
export class DestinationRefusedError extends Error {
  override name = 'DestinationRefusedError';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(host === address ? `refused: ${address} is not a public address` : `refused: ${host} resolves to ${address}, not a public address`);
  }
}
