import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './freePort.js';

// redis-server processes of a test's own (cluster nodes, sentinel-managed nodes, sentinels), each in a temporary
// folder on a free loopback port, for tests that crash, freeze and restart them: never the machine's shared Redis.
// Each is removed after, also when a test fails (remove() from afterAll, and a synchronous kill on exit).

const running = new Set<RedisProcess>();
process.on('exit', () => {
  for (const server of running) server.removeNow();
});

const handedOut = new Set<number>();
/** A free port no other server of this process was given (two quick freePort() calls may return the same one). */
export async function unusedPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Polls `check` until it returns true (a throw counts as false), or fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RedisProcessOptions {
  /** For messages and the folder's name: 'cluster-node', 'sentinel', … */
  role: string;
  /** redis.conf lines besides port, bind, dir and logfile. */
  conf: string[];
  /** Run as `redis-server <conf> --sentinel` (there is no redis-sentinel binary here). */
  sentinel?: boolean;
  /** Its requirepass, for the connections this helper opens to it. */
  password?: string;
}

/** One redis-server started from a config file of its own, which a test may crash, freeze, resume and restart. */
export class RedisProcess {
  private child: ChildProcess | undefined;
  private frozen = false;

  private constructor(
    readonly role: string,
    readonly dir: string,
    readonly port: number,
    private readonly sentinel: boolean,
    readonly password: string | undefined,
  ) {}

  /** Writes the config file and starts the server; resolves once it answers PING. */
  static async start(options: RedisProcessOptions, port?: number): Promise<RedisProcess> {
    const server = new RedisProcess(
      options.role,
      mkdtempSync(join(tmpdir(), `pp-redis-${options.role}-`)),
      port ?? (await unusedPort()),
      options.sentinel ?? false,
      options.password,
    );
    running.add(server);
    // The file stays writable: sentinels, and nodes a failover reconfigures (CONFIG REWRITE), write back to it.
    const base = [`port ${server.port}`, 'bind 127.0.0.1', `dir ${server.dir}`, 'logfile redis.log', 'save ""'];
    writeFileSync(server.confFile, [...base, ...options.conf, ''].join('\n'));
    await server.launch();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Its REDIS_URL (without the password). */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Running and not frozen: it can answer. */
  get isAnswering(): boolean {
    return this.isRunning && !this.frozen;
  }

  private get confFile(): string {
    return join(this.dir, 'redis.conf');
  }

  private async launch(): Promise<void> {
    const args = this.sentinel ? [this.confFile, '--sentinel'] : [this.confFile];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    this.frozen = false;
    await until(`${this.role} on ${this.port} to answer`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server (${this.role}) exited with ${child.exitCode}; see ${this.dir}/redis.log`);
      // Loading the append-only file answers LOADING until it is done.
      return (await this.command('PING')) === 'PONG';
    });
  }

  /** A connection to this server alone (no reconnects), for a test's own commands; the caller disconnects it. */
  connect(): Redis {
    const redis = new Redis({
      host: '127.0.0.1',
      port: this.port,
      ...(this.password ? { password: this.password } : {}),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2000,
      commandTimeout: 5000,
    });
    redis.on('error', () => undefined);
    return redis;
  }

  /** One command on a connection of its own. */
  async command(name: string, ...args: Array<string | number>): Promise<unknown> {
    const redis = this.connect();
    try {
      await redis.connect();
      return await redis.call(name, ...args);
    } finally {
      redis.disconnect();
    }
  }

  /** How many times this server has run `name` (INFO commandstats), e.g. how many WAITs. */
  async calls(name: string): Promise<number> {
    const stats = String(await this.command('INFO', 'commandstats'));
    return Number(new RegExp(`cmdstat_${name.toLowerCase()}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  }

  /** A crash: SIGKILL, no chance to write anything more. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.frozen = false;
  }

  /** SIGSTOP: the process stays, its sockets stay open, it answers nothing (a hung or partitioned node). */
  freeze(): void {
    if (!this.isRunning) return;
    this.child!.kill('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after freeze(). */
  resume(): void {
    if (!this.isRunning) return;
    this.child!.kill('SIGCONT');
    this.frozen = false;
  }

  /** Crashes it if it runs, then starts it again from the same folder (config, append-only file, nodes.conf). */
  async restart(): Promise<void> {
    await this.crash();
    await this.launch();
  }

  async remove(): Promise<void> {
    await this.crash();
    this.removeNow();
  }

  /** Synchronous, for the exit handler: SIGKILL (which also ends a frozen process) and delete the folder. */
  removeNow(): void {
    if (this.isRunning) this.child!.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    running.delete(this);
  }
}
