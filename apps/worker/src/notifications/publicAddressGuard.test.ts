import { describe, expect, it } from 'vitest';
import { DestinationRefusedError } from './errors/index.js';
import { isPublicAddress, publicAddressesOf, type Resolver } from './publicAddressGuard.js';

const names: Record<string, string[]> = {
  'affiliate.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example': ['10.1.2.3'],
  'split.example': ['93.184.215.14', '192.168.1.10'],
};
const resolve: Resolver = async (hostname) => {
  const found = names[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found;
};
const resolverNeverCalled: Resolver = () => {
  throw new Error('an IP literal must not be looked up');
};

describe('isPublicAddress', () => {
  it.each([
    ['93.184.215.14', true],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.0.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:93.184.215.14', true],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('publicAddressesOf', () => {
  it('gives every address of a public host', async () => {
    await expect(publicAddressesOf('affiliate.example', { allowPrivate: false, resolve })).resolves.toEqual(names['affiliate.example']);
  });

  it('refuses a host that resolves to a private address, naming the address', async () => {
    const refusal = publicAddressesOf('internal.example', { allowPrivate: false, resolve });
    await expect(refusal).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(refusal).rejects.toThrow('refused: internal.example resolves to 10.1.2.3, not a public address');
  });

  it('refuses a host when any one of its addresses is private', async () => {
    await expect(publicAddressesOf('split.example', { allowPrivate: false, resolve })).rejects.toThrow('192.168.1.10');
  });

  it('checks IP literals without a lookup, IPv6 in brackets too', async () => {
    await expect(publicAddressesOf('127.0.0.1', { allowPrivate: false, resolve: resolverNeverCalled })).rejects.toThrow(
      'refused: 127.0.0.1 is not a public address',
    );
    await expect(publicAddressesOf('[::1]', { allowPrivate: false, resolve: resolverNeverCalled })).rejects.toThrow('::1');
    await expect(publicAddressesOf('93.184.215.14', { allowPrivate: false, resolve: resolverNeverCalled })).resolves.toEqual(['93.184.215.14']);
  });

  it('allows private addresses when told to', async () => {
    await expect(publicAddressesOf('internal.example', { allowPrivate: true, resolve })).resolves.toEqual(['10.1.2.3']);
    await expect(publicAddressesOf('127.0.0.1', { allowPrivate: true, resolve: resolverNeverCalled })).resolves.toEqual(['127.0.0.1']);
  });

  it('passes a lookup failure on as it is', async () => {
    await expect(publicAddressesOf('nowhere.example', { allowPrivate: false, resolve })).rejects.toThrow('ENOTFOUND');
  });
});
