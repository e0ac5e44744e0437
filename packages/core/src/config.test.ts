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
});
