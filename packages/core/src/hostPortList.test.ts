import { describe, expect, it } from 'vitest';
import { parseHostPortList } from './hostPortList.js';

describe('parseHostPortList', () => {
  it('reads names, IPv4 and bracketed IPv6 addresses, trimming spaces around entries', () => {
    expect(parseHostPortList('redis-a:6379, 10.0.0.2:7000,[::1]:26379')).toEqual({
      nodes: [
        { host: 'redis-a', port: 6379 },
        { host: '10.0.0.2', port: 7000 },
        { host: '::1', port: 26379 },
      ],
    });
  });

  it.each([
    ['a missing port', 'redis-a:6379,redis-b', 'redis-b'],
    ['a port out of range', 'redis-a:70000', 'redis-a:70000'],
    ['port 0', 'redis-a:0', 'redis-a:0'],
    ['a URL instead of host:port', 'redis://redis-a:6379', 'redis://redis-a:6379'],
    ['an empty entry', 'redis-a:6379,,redis-b:6379', ''],
    ['an unbracketed IPv6 address', '::1:6379', '::1:6379'],
    ['a space inside an entry', 'redis a:6379', 'redis a:6379'],
  ])('names the bad entry: %s', (_what, text, bad) => {
    expect(parseHostPortList(text)).toEqual({ bad });
  });
});
