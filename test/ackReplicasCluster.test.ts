// On a Redis Cluster WAIT has no key: waitForReplicas must send it to the primary that took the write, over the
// very connection that took it. Proven on a 3 × 2 cluster of the test's own, by each primary's own counters
// (INFO commandstats) and by MONITOR, which names the client connection each command came from.
import { once } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PostbackShards,
  loadConfig,
  ReplicationTimeoutError,
  waitForReplicas,
  writeTarget,
} from '@postback/core';
import { Admission } from '../apps/receiver/src/admission.js';
import { EnqueueBatcher } from '../apps/receiver/src/enqueueBatcher.js';
import { startRedisCluster, type RedisClusterFixture } from './helpers/redisCluster.js';
import type { RedisProcess } from './helpers/redisProcess.js';
import { eventually } from './helpers/testEnvironment.js';

let cluster: RedisClusterFixture;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { commandTimeout: 5000 } });
  await once(client, 'ready');
});

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

/** Keys under hash tags of their own, until `count` of them sit on `count` different primaries. */
async function keysOnDistinctPrimaries(count: number): Promise<Array<{ key: string; primary: RedisProcess }>> {
  const found: Array<{ key: string; primary: RedisProcess }> = [];
  for (let i = 0; found.length < count; i += 1) {
    const key = `{ack-${i}}:k`;
    const primary = await cluster.primaryFor(key);
    if (!found.some((f) => f.primary === primary)) found.push({ key, primary });
  }
  return found;
}

async function waitCallsOf(nodes: RedisProcess[]): Promise<number[]> {
  return Promise.all(nodes.map((n) => n.calls('WAIT')));
}

/** What MONITOR shows on a node: each command with the client address it came over. */
async function monitorOf(node: RedisProcess): Promise<{ seen: Array<{ command: string; key?: string; source: string }>; stop: () => void }> {
  const redis = new Redis(node.port, '127.0.0.1');
  const monitor = await redis.monitor();
  const seen: Array<{ command: string; key?: string; source: string }> = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ command: args[0]!.toLowerCase(), key: args[1], source }));
  return {
    seen,
    stop: () => {
      monitor.disconnect();
      redis.disconnect();
    },
  };
}

describe('waitForReplicas on a Redis Cluster', () => {
  it('sends WAIT to the primary serving each written slot, over the connection that took the write', async () => {
    const placed = await keysOnDistinctPrimaries(3);
    const primaries = placed.map((p) => p.primary);
    const monitors = await Promise.all(primaries.map(monitorOf));
    try {
      const before = await waitCallsOf(primaries);
      const targets = placed.map(({ key }) => writeTarget(client, key));
      await Promise.all(placed.map(({ key }) => client.set(key, 'written')));
      expect(await waitForReplicas(targets, 1, 2000)).toBe(1);
      const after = await waitCallsOf(primaries);
      expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1]);

      await eventually(async () => monitors.every((m) => m.seen.some((c) => c.command === 'wait')), 5000, 'MONITOR to show the WAITs');
      placed.forEach(({ key }, i) => {
        const seen = monitors[i]!.seen;
        const write = seen.find((c) => c.command === 'set' && c.key === key);
        const waits = seen.filter((c) => c.command === 'wait');
        expect(write).toBeDefined();
        expect(waits.map((w) => w.source)).toEqual([write!.source]);
        // …and never where the key is not.
        for (const other of monitors.filter((_, j) => j !== i)) expect(other.seen.some((c) => c.key === key)).toBe(false);
      });
    } finally {
      for (const m of monitors) m.stop();
    }
  });

  it('sends one WAIT for two slots served by one primary, and none to the others', async () => {
    const { key, primary } = (await keysOnDistinctPrimaries(1))[0]!;
    let second = '';
    for (let i = 0; !second; i += 1) if ((await cluster.primaryFor(`{ack-same-${i}}:k`)) === primary) second = `{ack-same-${i}}:k`;
    const primaries = await cluster.primaries();
    const before = await waitCallsOf(primaries);
    const targets = [writeTarget(client, key), writeTarget(client, second)];
    await Promise.all([client.set(key, 'a'), client.set(second, 'b')]);
    await waitForReplicas(targets, 1, 2000);
    const after = await waitCallsOf(primaries);
    expect(primaries.map((p, i) => after[i]! - before[i]!)).toEqual(primaries.map((p) => (p === primary ? 1 : 0)));
  });

  it("waits for a receiver turn's replicas on the primary of its queue's slot only", async () => {
    const cfg = loadConfig({ QUEUE_PREFIX: '{ack-cluster}', ACK_REPLICAS: '1', ACK_REPLICA_TIMEOUT_MS: '2000' });
    // The admission takes a standalone client's type; its script and BullMQ's run on a Cluster client alike.
    const admission = new Admission(client as unknown as Redis, cfg.QUEUE_PREFIX, 100_000, 1000);
    // The shards take a standalone client's type too, for the same reason.
    const shards = new PostbackShards(cfg, client as unknown as Redis, { role: 'test', replicas: { replicas: 1, timeoutMs: 2000 } });
    const queue = shards.shard(cfg.QUEUE_PREFIX).queue;
    try {
      const batcher = new EnqueueBatcher(shards, admission);
      const primaries = await cluster.primaries();
      const holder = await cluster.primaryFor(queue.toKey('id'));
      const before = await waitCallsOf(primaries);
      const scope = { kind: 'global' as const, advertiserId: 1, offerId: null };
      const verdicts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => batcher.admitAndEnqueue({ endpointId: 1, scope, transactionId: `c-${i}`, reason: 'x', receivedAt: Date.now() })),
      );
      expect(verdicts.every((v) => v.stored)).toBe(true);
      const after = await waitCallsOf(primaries);
      expect(primaries.map((p, i) => after[i]! - before[i]!)).toEqual(primaries.map((p) => (p === holder ? 1 : 0)));
    } finally {
      await shards.close();
    }
  });

  it('reports no success once the connection that took the write was replaced', async () => {
    const { key, primary } = (await keysOnDistinctPrimaries(1))[0]!;
    const target = writeTarget(client, key);
    const id = await target.node!.client('ID');
    await primary.command('CLIENT', 'KILL', 'ID', id);
    // The write goes over whatever connection the cluster client has now for that slot.
    await eventually(async () => (await client.set(key, 'after-kill').catch(() => undefined)) === 'OK', 10_000, 'the cluster client to write again');
    const before = await primary.calls('WAIT');
    await expect(waitForReplicas(target, 1, 2000)).rejects.toThrow(ReplicationTimeoutError);
    expect(await primary.calls('WAIT')).toBe(before);
  });

  // Last: it changes which node is primary.
  it('reports no success for a node that did not take the write once the slot moved (failover, MOVED)', async () => {
    const { key, primary } = (await keysOnDistinctPrimaries(1))[0]!;
    const replicaOfPrimary = await replicaOf(primary);
    const target = writeTarget(client, key);
    await replicaOfPrimary.command('CLUSTER', 'FAILOVER');
    await eventually(async () => (await cluster.primaryFor(key)) === replicaOfPrimary, 20_000, 'the manual failover');
    // Sent to the old primary by the client's stale slot table, answered MOVED and taken by the new one (or sent
    // there at once, had a refresh come first): either way, not by the node the target was taken for.
    await client.set(key, 'after-failover');
    await expect(waitForReplicas(target, 1, 2000)).rejects.toThrow(/slot moved/);
    // A target taken now finds the new primary, which replicates to the old one.
    await eventually(async () => /slave0:.*state=online/.test(String(await replicaOfPrimary.command('INFO', 'replication'))), 20_000, 'the old primary to follow the new one');
    const fresh = writeTarget(client, key);
    await client.set(key, 'again');
    const before = await replicaOfPrimary.calls('WAIT');
    expect(await waitForReplicas(fresh, 1, 2000)).toBe(1);
    expect(await replicaOfPrimary.calls('WAIT')).toBe(before + 1);
  });
});

/** The node that replicates `primary` (INFO replication's master_port). */
async function replicaOf(primary: RedisProcess): Promise<RedisProcess> {
  for (const node of cluster.nodes) {
    if (new RegExp(`master_port:${primary.port}\\b`).test(String(await node.command('INFO', 'replication')))) return node;
  }
  throw new Error(`no replica of ${primary.port}`);
}
