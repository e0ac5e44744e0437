import { describe, expect, it } from 'vitest';
import { fnv1a32, shardOfTransaction } from './shardOfTransaction.js';

describe('fnv1a32', () => {
  it('gives the published FNV-1a 32-bit values, so other tools can compute a shard the same way', () => {
    // Test vectors of the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/).
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of a text that is not ASCII', () => {
    // "é" is the two bytes C3 A9: the same as hashing them one by one.
    let expected = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) expected = Math.imul(expected ^ byte, 0x01000193);
    expect(fnv1a32('é')).toBe(expected >>> 0);
    expect(fnv1a32('tx-é')).not.toBe(fnv1a32('tx-e'));
  });
});

describe('shardOfTransaction', () => {
  it('puts every transaction in shard 0 when there is one shard', () => {
    for (const tx of ['a', 'abc123', 'ü-1']) expect(shardOfTransaction(tx, 1)).toBe(0);
  });

  it('is the hash modulo the number of shards, the same on every call', () => {
    expect(shardOfTransaction('foobar', 3)).toBe(0xbf9cf968 % 3);
    expect(shardOfTransaction('abc123', 7)).toBe(shardOfTransaction('abc123', 7));
  });

  it('spreads transaction ids evenly over the shards', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[shardOfTransaction(`tx-${i}`, 3)]! += 1;
    // 10,000 each expected; a fair coin's spread over 30,000 draws is about ±1 %.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});
