import { RedisProcess, until } from './redisProcess.js';
import { isReplicaInSync, startPrimaryAndReplica } from './redisReplication.js';

// A real Sentinel setup of the test's own: one primary, one replica and three sentinels (`redis-server <conf>
// --sentinel`: there is no redis-sentinel binary here) with a quorum of 2, as managed Redis with replicas runs.

export interface RedisSentinelOptions {
  /** requirepass and masterauth of both nodes (and the sentinels' auth-pass): the apps then need REDIS_PASSWORD. */
  password?: string;
  /** The sentinels' own requirepass: the apps then need REDIS_SENTINEL_PASSWORD. */
  sentinelPassword?: string;
  /** The name the sentinels monitor the primary under (REDIS_SENTINEL_NAME). */
  name?: string;
  /**
   * How long the primary may not answer before a sentinel thinks it down. Small enough for a test to wait out,
   * generous enough that a loaded machine (two cores shared with the apps and other tests) fails nothing over.
   */
  downAfterMs?: number;
}

const QUORUM = 2;
const SENTINELS = 3;

export class RedisSentinelFixture {
  private constructor(
    /** The two data nodes: nodes[0] starts as the primary, nodes[1] as its replica. */
    readonly nodes: RedisProcess[],
    readonly sentinels: RedisProcess[],
    readonly name: string,
    private readonly password: string | undefined,
    private readonly sentinelPassword: string | undefined,
  ) {}

  static async start(options: RedisSentinelOptions = {}): Promise<RedisSentinelFixture> {
    const { password, sentinelPassword } = options;
    const name = options.name ?? 'pipeline';
    const setup = new RedisSentinelFixture([], [], name, password, sentinelPassword);
    try {
      const [primary, replica] = await startPrimaryAndReplica({ password, role: 'sentinel' });
      setup.nodes.push(primary, replica);
      for (let i = 0; i < SENTINELS; i++) {
        const conf = [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} ${QUORUM}`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 4000}`,
          // Long enough for a promotion on a loaded machine; also how long before a failed failover is retried.
          `sentinel failover-timeout ${name} 30000`,
          `sentinel parallel-syncs ${name} 1`,
          ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
          // A sentinel with a password of its own must give it to the other sentinels too.
          ...(sentinelPassword ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`] : []),
        ];
        setup.sentinels.push(await RedisProcess.start({ role: 'sentinel', conf, sentinel: true, password: sentinelPassword }));
      }
      await setup.waitUntilSettled();
    } catch (err) {
      await setup.stop();
      throw err;
    }
    return setup;
  }

  /** What the apps need to reach the primary through the sentinels (merge into their environment). */
  get env(): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinels.map((s) => s.address).join(','),
      REDIS_SENTINEL_NAME: this.name,
      ...(this.password ? { REDIS_PASSWORD: this.password } : {}),
      ...(this.sentinelPassword ? { REDIS_SENTINEL_PASSWORD: this.sentinelPassword } : {}),
    };
  }

  /** The node the sentinels name as the primary now (asking the first answering sentinel). */
  async primary(): Promise<RedisProcess> {
    const sentinel = this.sentinels.find((s) => s.isAnswering);
    if (!sentinel) throw new Error('no sentinel is answering');
    const [, port] = (await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
    const node = this.nodes.find((n) => n.port === Number(port));
    if (!node) throw new Error(`the sentinels name 127.0.0.1:${port}, not a node of this setup`);
    return node;
  }

  /**
   * Waits until every sentinel knows the primary, the replica and the two other sentinels, every sentinel names
   * the same primary, that node says it is one, and the replica's link to it is up (its sync done).
   */
  async waitUntilSettled(timeoutMs = 60_000): Promise<void> {
    await until('the sentinels to agree on a primary with a replica in sync', async () => {
      const primary = await this.primary();
      for (const sentinel of this.sentinels.filter((s) => s.isAnswering)) {
        const fields = toRecord((await sentinel.command('SENTINEL', 'MASTER', this.name)) as string[]);
        if (Number(fields.port) !== primary.port || !fields.flags?.split(',').includes('master') || fields.flags.includes('down')) return false;
        if (Number(fields['num-other-sentinels']) < this.answeringSentinels() - 1) return false;
        if (Number(fields['num-slaves']) < this.nodes.length - 1) return false;
      }
      if (!String(await primary.command('ROLE')).startsWith('master')) return false;
      for (const replica of this.nodes.filter((n) => n !== primary && n.isAnswering)) {
        if (!(await isReplicaInSync(replica))) return false;
      }
      return true;
    }, timeoutMs);
  }

  /** Waits until the sentinels have promoted a node other than `former` and it acts as the primary. */
  async waitForPromotion(former: RedisProcess, timeoutMs = 60_000): Promise<RedisProcess> {
    let promoted: RedisProcess | undefined;
    await until('the sentinels to promote a replica', async () => {
      const primary = await this.primary();
      if (primary === former) return false;
      promoted = primary;
      return String(await primary.command('ROLE')).startsWith('master');
    }, timeoutMs);
    return promoted!;
  }

  /**
   * A graceful failover (SENTINEL FAILOVER): the replica is promoted at once; the old primary, still running, takes
   * writes until the sentinels turn it into the new one's replica some seconds later (waitUntilSettled() waits
   * for that), dropping its clients' connections.
   */
  async failover(): Promise<RedisProcess> {
    const former = await this.primary();
    await this.sentinels.find((s) => s.isAnswering)!.command('SENTINEL', 'FAILOVER', this.name);
    return this.waitForPromotion(former);
  }

  /** Removes every node and sentinel and their folders. */
  async stop(): Promise<void> {
    await Promise.all([...this.nodes, ...this.sentinels].map((s) => s.remove()));
  }

  private answeringSentinels(): number {
    return this.sentinels.filter((s) => s.isAnswering).length;
  }
}

function toRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** Starts a Sentinel setup of the test's own: a primary, its replica, three sentinels. */
export function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelFixture> {
  return RedisSentinelFixture.start(options);
}
