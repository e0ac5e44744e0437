import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

// Postgres and Redis servers of the suite's own, in temporary folders: the fault scenarios stop and crash them,
// which they must never do to the machine's shared servers. Each one is removed after, also when a test fails
// (stop() from afterAll, and a synchronous kill on process exit as the last resort).

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cleanups = new Set<() => void>();
process.on('exit', () => {
  for (const cleanup of cleanups) cleanup();
});

/** A throwaway Postgres cluster (initdb + pg_ctl, trust auth) that a test may stop and start again. */
export class OwnPostgres {
  private readonly cleanup = () => this.removeNow();

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get serverUrl(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<OwnPostgres> {
    const server = await OwnPostgres.prepare();
    // initdb's defaults already suit a primary: wal_level=replica, max_wal_senders=10, and trust (-A) for
    // replication connections from loopback in pg_hba.conf.
    server.pgBin('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    await server.start();
    return server;
  }

  /**
   * A hot standby of `primary` on a port of its own, streaming from it: pg_basebackup -R copies the primary and
   * writes standby.signal and primary_conninfo (-c fast: a spread checkpoint would hold the copy for minutes).
   * Resolves once it answers queries.
   */
  static async replicaOf(primary: OwnPostgres): Promise<OwnPostgres> {
    const server = await OwnPostgres.prepare();
    server.pgBin('pg_basebackup', ['-D', server.dataDir, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await server.start();
    return server;
  }

  private static async prepare(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'pp-faults-pg-'));
    const server = new OwnPostgres(dir, await freePort());
    cleanups.add(server.cleanup);
    // initdb (and a cluster's server) refuses to run as root: then the cluster belongs to the postgres OS user.
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private pgBin(tool: string, args: string[]): void {
    const command = join(PG_BIN, tool);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    this.pgBin('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', 'start']);
    await until('postgres to accept connections', async () => {
      const client = new pg.Client({ connectionString: this.serverUrl });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  }

  /** A clean, fast shutdown: connections are cut, in-flight transactions roll back. */
  stop(): void {
    this.pgBin('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async remove(): Promise<void> {
    try {
      this.pgBin('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    this.removeNow();
    cleanups.delete(this.cleanup);
  }

  private removeNow(): void {
    try {
      // The postmaster we started, by the pid it wrote; pg_ctl would need the data dir we are about to delete.
      const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway redis-server with the append-only file fsynced on every write, which a test may crash and restart. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  private readonly cleanup = () => this.removeNow();

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<OwnRedis> {
    const server = new OwnRedis(mkdtempSync(join(tmpdir(), 'pp-faults-redis-')), await freePort());
    cleanups.add(server.cleanup);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes'];
    args.push('--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--logfile', 'redis.log');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    await until('redis to answer', async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        // Loading the append-only file answers LOADING until it is done.
        return (await redis.ping()) === 'PONG';
      } finally {
        redis.disconnect();
      }
    });
  }

  /** A crash: SIGKILL, no chance to write anything more. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async remove(): Promise<void> {
    await this.crash();
    this.removeNow();
    cleanups.delete(this.cleanup);
  }

  private removeNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
