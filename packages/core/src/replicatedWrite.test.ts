import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplicationTimeoutError, TransientStoreError } from './errors/index.js';
import { distinctTargets, judgeConfirmed, replicaPolicyOf, type WriteTarget } from './replicatedWrite.js';

// Never connected (lazyConnect): these clients only stand for distinct node connections.
const nodeA = new Redis({ lazyConnect: true });
const nodeB = new Redis({ lazyConnect: true });
afterAll(() => {
  nodeA.disconnect();
  nodeB.disconnect();
});

const target = (node: Redis, closedSockets: number, slotKey = '{postback}:x'): WriteTarget => ({ connection: node, slotKey, node, closedSockets });

describe('distinctTargets', () => {
  it('keeps one WAIT per connection: two slots on one node and socket share it', () => {
    const seq = target(nodeA, 0, '{postback}:receipt-seq');
    const job = target(nodeA, 0, '{postback-1}:rejections:id');
    expect(distinctTargets([seq, job])).toEqual([seq]);
  });

  it('waits on each node, and on each socket of one node: a reconnect is another connection', () => {
    const a1 = target(nodeA, 0);
    const a2 = target(nodeA, 1);
    const b = target(nodeB, 0);
    expect(distinctTargets([a1, b, a2, b])).toEqual([a1, b, a2]);
  });
});

describe('judgeConfirmed', () => {
  it('passes when at least the replicas asked for confirmed', () => {
    expect(judgeConfirmed(1, 1, 100)).toBe(1);
    expect(judgeConfirmed(1, 2, 100)).toBe(2);
  });

  it('refuses fewer, with a transient error that names the count', () => {
    const refusal = (() => {
      try {
        judgeConfirmed(2, 1, 100);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(ReplicationTimeoutError);
    expect(refusal).toBeInstanceOf(TransientStoreError);
    expect(refusal).toMatchObject({ wanted: 2, confirmed: 1, message: expect.stringMatching(/1 of 2 replicas/) });
  });
});

it('reads the policy from the configuration', () => {
  expect(replicaPolicyOf({ ACK_REPLICAS: 1, ACK_REPLICA_TIMEOUT_MS: 250 })).toEqual({ replicas: 1, timeoutMs: 250 });
});
