import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('binds the admin API to loopback by default, whatever the receiver binds to', () => {
    expect(loadConfig({}).ADMIN_HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).ADMIN_HOST).toBe('127.0.0.1');
    expect(loadConfig({ ADMIN_HOST: '0.0.0.0' }).ADMIN_HOST).toBe('0.0.0.0');
  });

  it('names a bad variable in its error', () => {
    expect(() => loadConfig({ ADMIN_PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_PORT: 'x' })).toThrow(/ADMIN_PORT/);
  });

  it('refuses a receiver headers timeout longer than its request timeout, which Node would refuse at start', () => {
    expect(() => loadConfig({ RECEIVER_HEADERS_TIMEOUT_MS: '20000', RECEIVER_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/RECEIVER_HEADERS_TIMEOUT_MS/);
    expect(loadConfig({ RECEIVER_HEADERS_TIMEOUT_MS: '10000', RECEIVER_REQUEST_TIMEOUT_MS: '10000' }).RECEIVER_HEADERS_TIMEOUT_MS).toBe(10_000);
  });

  it('acknowledges on the primary alone unless replicas are asked for, and never lets WAIT block forever', () => {
    expect(loadConfig({})).toMatchObject({ ACK_REPLICAS: 0, ACK_REPLICA_TIMEOUT_MS: 100 });
    expect(loadConfig({ ACK_REPLICAS: '1', ACK_REPLICA_TIMEOUT_MS: '250' })).toMatchObject({ ACK_REPLICAS: 1, ACK_REPLICA_TIMEOUT_MS: 250 });
    // WAIT's timeout 0 means "forever"; past 4 s the connections' own command timeout would cut it first.
    expect(() => loadConfig({ ACK_REPLICA_TIMEOUT_MS: '0' })).toThrow(/ACK_REPLICA_TIMEOUT_MS/);
    expect(() => loadConfig({ ACK_REPLICA_TIMEOUT_MS: '5000' })).toThrow(/ACK_REPLICA_TIMEOUT_MS/);
    expect(() => loadConfig({ ACK_REPLICAS: '-1' })).toThrow(/ACK_REPLICAS/);
  });

  it('keeps one queue shard unless QUEUE_SHARDS says more, and refuses none', () => {
    expect(loadConfig({}).QUEUE_SHARDS).toBe(1);
    expect(loadConfig({ QUEUE_SHARDS: '3' }).QUEUE_SHARDS).toBe(3);
    expect(() => loadConfig({ QUEUE_SHARDS: '0' })).toThrow(/QUEUE_SHARDS/);
  });

  describe('how it reaches Redis', () => {
    const cluster = { REDIS_CLUSTER_NODES: 'redis-a:7000,redis-b:7001' };
    const sentinel = { REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b:26379', REDIS_SENTINEL_NAME: 'pipeline' };

    it('uses the local standalone Redis when no mode is set, and only then', () => {
      expect(loadConfig({}).REDIS_URL).toBe('redis://127.0.0.1:6379');
      expect(loadConfig(cluster).REDIS_URL).toBeUndefined();
      expect(loadConfig(sentinel).REDIS_URL).toBeUndefined();
    });

    it('reads the cluster nodes and the sentinels as host and port', () => {
      expect(loadConfig(cluster).REDIS_CLUSTER_NODES).toEqual([{ host: 'redis-a', port: 7000 }, { host: 'redis-b', port: 7001 }]);
      expect(loadConfig(sentinel)).toMatchObject({ REDIS_SENTINELS: [{ host: 'sentinel-a', port: 26379 }, { host: 'sentinel-b', port: 26379 }], REDIS_SENTINEL_NAME: 'pipeline' });
    });

    it.each([
      ['REDIS_URL and REDIS_CLUSTER_NODES', { REDIS_URL: 'redis://r:6379', ...cluster }, 'REDIS_CLUSTER_NODES: REDIS_URL, REDIS_CLUSTER_NODES: set only one'],
      ['REDIS_URL and REDIS_SENTINELS', { REDIS_URL: 'redis://r:6379', ...sentinel }, 'REDIS_SENTINELS: REDIS_URL, REDIS_SENTINELS: set only one'],
      ['REDIS_CLUSTER_NODES and REDIS_SENTINELS', { ...cluster, ...sentinel }, 'REDIS_SENTINELS: REDIS_CLUSTER_NODES, REDIS_SENTINELS: set only one'],
    ])('refuses two modes at once (%s), naming both', (_what, env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('names a REDIS_URL that is no URL, with the other bad variables', () => {
      expect(() => loadConfig({ REDIS_URL: 'not a url', REDIS_PASSWORD: 'secret', WORKER_CONCURRENCY: '-3' })).toThrow(ConfigError);
      expect(() => loadConfig({ REDIS_URL: 'not a url', WORKER_CONCURRENCY: '-3' })).toThrow(/REDIS_URL: .*\n.*WORKER_CONCURRENCY/s);
    });

    it('names the malformed entry of a host:port list', () => {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-a:7000,redis-b' })).toThrow('REDIS_CLUSTER_NODES: "redis-b" is not host:port');
      expect(() => loadConfig({ ...sentinel, REDIS_SENTINELS: 'sentinel-a:26379,redis://sentinel-b:26379' })).toThrow('REDIS_SENTINELS: "redis://sentinel-b:26379" is not host:port');
    });

    it('asks for the primary\'s name with sentinels, and refuses sentinel settings without them', () => {
      expect(() => loadConfig({ REDIS_SENTINELS: 'sentinel-a:26379' })).toThrow(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
      expect(() => loadConfig({ REDIS_SENTINEL_NAME: 'pipeline' })).toThrow(/REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS/);
      expect(() => loadConfig({ ...cluster, REDIS_SENTINEL_PASSWORD: 'secret' })).toThrow(/REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS/);
      expect(loadConfig({ ...sentinel, REDIS_SENTINEL_PASSWORD: 'secret' }).REDIS_SENTINEL_PASSWORD).toBe('secret');
    });

    it('takes credentials and TLS in every mode, but each credential in one place only', () => {
      const auth = { REDIS_USERNAME: 'pipeline', REDIS_PASSWORD: 'secret', REDIS_TLS: 'true' };
      for (const mode of [{}, { REDIS_URL: 'redis://r:6379' }, cluster, sentinel]) {
        expect(loadConfig({ ...mode, ...auth })).toMatchObject({ REDIS_USERNAME: 'pipeline', REDIS_PASSWORD: 'secret', REDIS_TLS: true });
      }
      expect(loadConfig({}).REDIS_TLS).toBe(false);
      expect(() => loadConfig({ REDIS_URL: 'redis://:inurl@r:6379', REDIS_PASSWORD: 'secret' })).toThrow(/REDIS_PASSWORD: REDIS_URL has a password too/);
      expect(() => loadConfig({ REDIS_URL: 'redis://me:inurl@r:6379', REDIS_USERNAME: 'me' })).toThrow(/REDIS_USERNAME: REDIS_URL has a user name too/);
      expect(() => loadConfig({ REDIS_TLS: 'maybe' })).toThrow(/REDIS_TLS/);
    });
  });
});
