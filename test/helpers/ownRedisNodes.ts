import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './freePort.js';
import { TcpProxy } from './tcpProxy.js';
import { eventually } from './testEnvironment.js';

// Redis servers of a test's own, on free loopback ports in a temporary folder, for what the machine's one Redis
// cannot show: replicas (a primary + replica pair, a 3 × 2 cluster) that a test cuts off, stops or fails over.
// remove() kills them and deletes the folder; a synchronous kill on process exit is the last resort.

const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** One redis-server; nothing on disk beyond its folder (no RDB, no AOF: these tests fail over, they do not restart). */
export class RedisNode {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string, extraArgs: string[] = []): Promise<RedisNode> {
    const port = await freePort();
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--save', '', '--appendonly', 'no'];
    // A replica's first sync starts at once rather than after the default 5 s wait for more replicas.
    args.push('--repl-diskless-sync-delay', '0');
    const child = spawn('redis-server', [...args, '--logfile', 'redis.log', ...extraArgs], { stdio: 'ignore' });
    alive.add(child);
    child.once('exit', () => alive.delete(child));
    const node = new RedisNode(port, child);
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
      return (await node.command(['PING']).catch(() => undefined)) === 'PONG';
    }, 15_000, `redis-server on ${port}`);
    return node;
  }

  /** One command on a connection of its own (never one of the connections under test). */
  async command(args: [string, ...Array<string | number>]): Promise<unknown> {
    const redis = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(...args);
    } finally {
      redis.disconnect();
    }
  }

  async info(section: string): Promise<string> {
    return String(await this.command(['INFO', section]));
  }

  /** How many WAIT commands this server has run (INFO commandstats). */
  async waitCalls(): Promise<number> {
    return Number(/cmdstat_wait:calls=(\d+)/.exec(await this.info('commandstats'))?.[1] ?? 0);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A primary and one replica that replicates through a TCP proxy, so that a test can cut the replica off (the
 * primary sees it gone) or stop it (SIGSTOP: the primary still counts it as connected, but it acknowledges
 * nothing), and fail over to it.
 */
export class ReplicaPair {
  private linkCut = false;

  private constructor(
    private readonly dir: string,
    readonly primary: RedisNode,
    readonly replica: RedisNode,
    private readonly link: TcpProxy,
  ) {}

  static async create(): Promise<ReplicaPair> {
    const dir = mkdtempSync(join(tmpdir(), 'pp-replica-pair-'));
    const primary = await RedisNode.start(dir);
    const link = new TcpProxy('127.0.0.1', primary.port);
    await link.start();
    const replica = await RedisNode.start(dir, ['--replicaof', '127.0.0.1', String(link.port)]);
    const pair = new ReplicaPair(dir, primary, replica, link);
    await pair.inSync();
    return pair;
  }

  /** Until the primary counts the replica as connected and the replica's link is up. */
  async inSync(): Promise<void> {
    await eventually(async () => {
      const [p, r] = await Promise.all([this.primary.info('replication'), this.replica.info('replication')]);
      return /slave0:.*state=online/.test(p) && /master_link_status:up/.test(r);
    }, 20_000, 'the replica to be in sync');
  }

  /** The replica's link to the primary is cut and new ones refused: the replica has nothing written after this. */
  async cutReplica(): Promise<void> {
    this.linkCut = true;
    await this.link.cut();
  }

  /** Reconnects a cut replica (a no-op for one that is not) and waits until it is in sync again. */
  async restoreReplica(): Promise<void> {
    if (this.linkCut) await this.link.restore();
    this.linkCut = false;
    await this.inSync();
  }

  /** The primary dies (SIGKILL) and the replica, with what it has, becomes the primary. */
  async failover(): Promise<void> {
    await this.primary.kill();
    await this.link.cut();
    await this.replica.command(['REPLICAOF', 'NO', 'ONE']);
  }

  async remove(): Promise<void> {
    await this.link.cut();
    await Promise.all([this.primary.kill(), this.replica.kill()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Redis Cluster of 3 primaries and 3 replicas (`redis-cli --cluster create … --cluster-replicas 1`). */
export class SmallCluster {
  private constructor(
    private readonly dir: string,
    readonly nodes: RedisNode[],
  ) {}

  static async create(): Promise<SmallCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'pp-cluster-'));
    const nodes: RedisNode[] = [];
    for (let i = 0; i < 6; i += 1) {
      // The bus port is set, not left at port + 10000, which a free port high in the range would overflow.
      const busPort = await freePort();
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)];
      nodes.push(await RedisNode.start(dir, [...args, '--cluster-node-timeout', '5000']));
    }
    const cluster = new SmallCluster(dir, nodes);
    try {
      execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { stdio: 'pipe' });
      await eventually(async () => {
        for (const node of nodes) if (!/cluster_state:ok/.test(String(await node.command(['CLUSTER', 'INFO'])))) return false;
        // Every node knows every replica's primary (gossip lags the create): a primary refuses a manual failover
        // from a replica it does not know as its own.
        for (const node of nodes) {
          const replicas = String(await node.command(['CLUSTER', 'NODES'])).split('\n').filter((l) => / (myself,)?slave [0-9a-f]{40} /.test(l));
          if (replicas.length !== 3) return false;
        }
        const primaries = await cluster.primaries();
        if (primaries.length !== 3) return false;
        // Online: the first sync is done and the replica acknowledges what it is sent (connected is not enough).
        for (const p of primaries) if (!/slave0:.*state=online/.test(await p.info('replication'))) return false;
        return true;
      }, 30_000, 'the cluster to be ok with a replica per primary');
    } catch (err) {
      await cluster.remove();
      throw err;
    }
    return cluster;
  }

  get startupNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  async primaries(): Promise<RedisNode[]> {
    const roles = await Promise.all(this.nodes.map(async (n) => /role:master/.test(await n.info('replication'))));
    return this.nodes.filter((_, i) => roles[i]);
  }

  /** The primary serving a key's slot, as the cluster itself says (CLUSTER KEYSLOT, CLUSTER SLOTS). */
  async primaryOf(key: string): Promise<RedisNode> {
    const slot = Number(await this.nodes[0]!.command(['CLUSTER', 'KEYSLOT', key]));
    const ranges = (await this.nodes[0]!.command(['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number]]>;
    const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
    return this.nodes.find((n) => n.port === range[2][1])!;
  }

  async remove(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
