import { RedisProcess, until } from './redisProcess.js';
import { TcpProxy } from './tcpProxy.js';

// A primary and its replica of the test's own whose replication goes through a TCP proxy, so that a test can cut
// the replica off (the primary sees it gone), freeze it (SIGSTOP: the primary still counts it as connected, but
// it acknowledges nothing) and fail over to it. Both nodes as redisReplication.ts starts them (append-only file).

const CONF = ['appendonly yes', 'appendfsync always', 'maxmemory-policy noeviction', 'repl-diskless-sync-delay 0'];

export class ReplicaBehindProxy {
  private linkCut = false;

  private constructor(
    readonly primary: RedisProcess,
    readonly replica: RedisProcess,
    private readonly link: TcpProxy,
  ) {}

  static async start(): Promise<ReplicaBehindProxy> {
    const primary = await RedisProcess.start({ role: 'proxied-primary', conf: CONF });
    const link = new TcpProxy('127.0.0.1', primary.port);
    try {
      await link.start();
      const replica = await RedisProcess.start({ role: 'proxied-replica', conf: [...CONF, `replicaof 127.0.0.1 ${link.port}`] });
      const pair = new ReplicaBehindProxy(primary, replica, link);
      await pair.inSync();
      return pair;
    } catch (err) {
      await link.cut();
      await primary.remove();
      throw err;
    }
  }

  /** Until the primary counts the replica as online (it acknowledges) and the replica's link is up. */
  async inSync(): Promise<void> {
    await until('the replica to be in sync', async () => {
      const [p, r] = await Promise.all([this.primary.command('INFO', 'replication'), this.replica.command('INFO', 'replication')]);
      return /slave0:.*state=online/.test(String(p)) && /master_link_status:up/.test(String(r));
    }, 20_000);
  }

  /** The replica's link to the primary is cut and new ones refused: the replica gets nothing written after this. */
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
    await this.primary.crash();
    await this.link.cut();
    await this.replica.command('REPLICAOF', 'NO', 'ONE');
  }

  async remove(): Promise<void> {
    await this.link.cut();
    await Promise.all([this.primary.remove(), this.replica.remove()]);
  }
}
