// A Redis Cluster of the bench's own for the receiver with QUEUE_SHARDS=3 and ACK_REPLICAS=1: 3 primaries with a
// replica each, every node with the append-only file fsynced on every write (as docker-compose.cluster.yml runs
// them), created by `redis-cli --cluster create`. Under the default QUEUE_PREFIX the three shards' tags
// ({postback-0..2}) fall in slots of the three primaries.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { generateEndpointKey, hashEndpointKey, KeyRegistry } from '@postback/core';
import { ADVERTISERS } from './seed.mjs';
import { freePort } from './services.mjs';

export const CLUSTER_PREFIX = '{postback}';

/** Starts six nodes (with `startRedis`, which adds them to the caller's list to kill) and forms the cluster. */
export async function startCluster(startRedis) {
  const nodes = [];
  for (let i = 0; i < 6; i++) {
    // The bus port is its own free port: port + 10000 may be taken or past 65535.
    nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-port', String(await freePort())]));
  }
  await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes']);
  const client = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  try {
    await until(async () => {
      // Every slot served, and every primary with its replica online (the first sync done).
      const [info, primaries] = await Promise.all([client.cluster('INFO'), Promise.all(client.nodes('master').map((n) => n.info('replication')))]);
      return info.includes('cluster_state:ok') && primaries.length === 3 && primaries.every((r) => /slave0:.*state=online/.test(r));
    }, 'the cluster to be ok with a replica in sync per primary');
    return { nodes, env: { REDIS_URL: '', REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(','), QUEUE_PREFIX: CLUSTER_PREFIX } };
  } finally {
    client.disconnect();
  }
}

/** One global rejection URL per advertiser in the cluster's key registry (the receiver needs no Postgres). */
export async function registerClusterKeys(cluster) {
  const client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  try {
    const registry = new KeyRegistry(client, CLUSTER_PREFIX);
    const keys = [];
    for (let a = 1; a <= ADVERTISERS; a++) {
      const key = generateEndpointKey();
      await registry.register({ endpointId: a, keyHash: hashEndpointKey(key), scope: { kind: 'global', advertiserId: a, offerId: null } });
      keys.push(key);
    }
    return keys;
  } finally {
    client.disconnect();
  }
}

/** WAITs each primary has run, and in all (INFO commandstats): one per node per enqueue turn that stored on it. */
export async function clusterWaitCalls(cluster) {
  const client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  try {
    await until(async () => (await client.cluster('INFO')).includes('cluster_state:ok'), 'the cluster');
    const stats = await Promise.all(client.nodes('master').map((n) => n.info('commandstats')));
    const perPrimary = stats.map((s) => Number(/cmdstat_wait:calls=(\d+)/.exec(s)?.[1] ?? 0));
    return { perPrimary, total: perPrimary.reduce((a, b) => a + b, 0) };
  } finally {
    client.disconnect();
  }
}

async function until(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
