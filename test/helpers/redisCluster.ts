import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RedisProcess, until, unusedPort } from './redisProcess.js';

// A real Redis Cluster of the test's own: `primaries` primaries with `replicasPerPrimary` replicas each, every node
// a redis-server with cluster-enabled and its append-only file, created by `redis-cli --cluster create`, as the
// fault suite and the README's operators would build one.

export interface RedisClusterOptions {
  primaries?: number;
  replicasPerPrimary?: number;
  /** requirepass and masterauth of every node: the apps then need REDIS_PASSWORD (in `env`). */
  password?: string;
  /**
   * How long a node may not answer before the others mark it failed and promote a replica. Generous by default:
   * six servers, the apps and other tests share two cores, and a false failover would make tests flaky.
   */
  nodeTimeoutMs?: number;
}

/** One line of CLUSTER NODES, as far as the tests need it. */
interface ClusterNodeView {
  port: number;
  primary: boolean;
  failed: boolean;
  slots: Array<[number, number]>;
}

export class RedisClusterFixture {
  private constructor(
    /** Every node, in the order they were given to `redis-cli --cluster create` (the primaries first). */
    readonly nodes: RedisProcess[],
    private readonly password: string | undefined,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisClusterFixture> {
    const primaries = options.primaries ?? 3;
    const replicas = options.replicasPerPrimary ?? 1;
    const { password } = options;
    const nodes: RedisProcess[] = [];
    const cluster = new RedisClusterFixture(nodes, password);
    try {
      for (let i = 0; i < primaries * (1 + replicas); i++) {
        // The bus port is its own free port: port + 10000, the default, may be taken or past 65535.
        const conf = [
          'cluster-enabled yes',
          'cluster-config-file nodes.conf',
          `cluster-node-timeout ${options.nodeTimeoutMs ?? 5000}`,
          `cluster-port ${await unusedPort()}`,
          'appendonly yes',
          'appendfsync always',
          'maxmemory-policy noeviction',
          ...(password ? [`requirepass ${password}`, `masterauth ${password}`] : []),
        ];
        nodes.push(await RedisProcess.start({ role: 'cluster-node', conf, password }));
      }
      await promisify(execFile)('redis-cli', [
        ...cluster.authArgs(),
        '--cluster', 'create', ...nodes.map((n) => n.address),
        '--cluster-replicas', String(replicas),
        '--cluster-yes',
      ]);
      await cluster.waitUntilOk();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** What the apps need to reach the cluster (merge into their environment). */
  get env(): Record<string, string> {
    return {
      REDIS_CLUSTER_NODES: this.nodes.map((n) => n.address).join(','),
      ...(this.password ? { REDIS_PASSWORD: this.password } : {}),
    };
  }

  private authArgs(): string[] {
    return this.password ? ['-a', this.password, '--no-auth-warning'] : [];
  }

  /** The node that is the primary for `key`'s slot now, as an answering node sees the cluster. */
  async primaryFor(key: string): Promise<RedisProcess> {
    const asked = this.answeringNode();
    const slot = Number(await asked.command('CLUSTER', 'KEYSLOT', key));
    const owner = (await this.view(asked)).find((n) => n.primary && !n.failed && n.slots.some(([from, to]) => slot >= from && slot <= to));
    if (!owner) throw new Error(`no primary serves slot ${slot} (of ${key}) as ${asked.address} sees the cluster`);
    return this.node(owner.port);
  }

  /** The nodes that are primaries now (and not marked failed). */
  async primaries(): Promise<RedisProcess[]> {
    return (await this.view(this.answeringNode())).filter((n) => n.primary && !n.failed).map((n) => this.node(n.port));
  }

  /**
   * Waits until the cluster is settled as every answering node sees it: cluster_state:ok (every slot served by a
   * reachable primary), every answering node known to every other with the role it has itself and not marked
   * failed, and every replica's link to its primary up (its initial sync done).
   */
  async waitUntilOk(timeoutMs = 60_000): Promise<void> {
    await until('the cluster to settle (cluster_state:ok, roles agreed, replicas in sync)', () => this.isSettled(), timeoutMs);
  }

  private async isSettled(): Promise<boolean> {
    const answering = this.answering();
    const views = new Map<RedisProcess, ClusterNodeView[]>();
    for (const node of answering) {
      if (!String(await node.command('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      views.set(node, await this.view(node));
    }
    for (const node of answering) {
      const self = views.get(node)!.find((n) => n.port === node.port)!;
      for (const view of views.values()) {
        const seen = view.find((n) => n.port === node.port);
        if (!seen || seen.failed || seen.primary !== self.primary) return false;
      }
      if (!self.primary && !String(await node.command('INFO', 'replication')).includes('master_link_status:up')) return false;
    }
    return true;
  }

  /** Waits until a node other than `former` is the primary for `key`, and the cluster is ok again: a failover. */
  async waitForFailover(key: string, former: RedisProcess, timeoutMs = 60_000): Promise<RedisProcess> {
    await until(`a new primary for ${key}`, async () => (await this.primaryFor(key)) !== former, timeoutMs);
    await this.waitUntilOk(timeoutMs);
    return this.primaryFor(key);
  }

  /** Removes every node and its folder. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.remove()));
  }

  /** A node that answers (running, not frozen), for a test's own commands. */
  answeringNode(): RedisProcess {
    return this.answering()[0]!;
  }

  private answering(): RedisProcess[] {
    const nodes = this.nodes.filter((n) => n.isAnswering);
    if (nodes.length === 0) throw new Error('no cluster node is answering');
    return nodes;
  }

  private node(port: number): RedisProcess {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node of this cluster listens on ${port}`);
    return node;
  }

  // CLUSTER NODES: `<id> <ip:port@cport[,hostname]> <flags> <primary id> <ping> <pong> <epoch> <link> <slot>…`,
  // a slot being `n` or `from-to` (or `[n->-id]` while it migrates, which the tests never do).
  private async view(node: RedisProcess): Promise<ClusterNodeView[]> {
    const text = String(await node.command('CLUSTER', 'NODES'));
    return text.trim().split('\n').map((line) => {
      const [, address, flags, , , , , , ...slots] = line.split(' ');
      const flagList = flags!.split(',');
      return {
        port: Number(address!.split('@')[0]!.split(':').at(-1)),
        primary: flagList.includes('master'),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => {
          const [from, to] = s.split('-').map(Number);
          return [from!, to ?? from!] as [number, number];
        }),
      };
    });
  }
}

/** Starts a Redis Cluster of the test's own (3 primaries, 1 replica each, unless told otherwise). */
export function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterFixture> {
  return RedisClusterFixture.start(options);
}
