// Checks docker-compose.yml and the Dockerfile against the code, without Docker: the commands run files that
// are built, the env vars are ones loadConfig accepts, and the dependencies form a stack that can start.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@postback/core';

interface Service {
  build?: unknown;
  image?: string;
  hostname?: string;
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  container_name?: string;
  restart?: string;
  stop_grace_period?: string;
}

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const clusterOverride = parse(read('docker-compose.cluster.yml'), { merge: true }) as ComposeFile;
const clusterCompose = mergeCompose(compose, clusterOverride);
const clusterServices = clusterCompose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined);
const dockerfile = read('Dockerfile');
const npmScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

// What `docker compose` substitutes: ${VAR:-default} gives the default, ${VAR:?error} a value the user must set.
const interpolate = (value: string) =>
  String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, _name, op, arg) =>
    op === '-' ? arg : 'a-sample-secret-of-32-characters',
  );
const envOf = (s: Service) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
/**
 * `docker compose -f base -f override` as far as these files need it: mappings merge key by key (environment,
 * depends_on, healthcheck), volumes add up, and any other sequence (command, healthcheck test) is replaced.
 */
function mergeCompose(base: ComposeFile, override: ComposeFile): ComposeFile {
  const merge = (a: unknown, b: unknown, key?: string): unknown => {
    if (Array.isArray(a) && Array.isArray(b)) return key === 'volumes' ? [...new Set([...a, ...b])] : b;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v, k) : v;
      return out;
    }
    return b === undefined ? a : b;
  };
  return merge(base, override) as ComposeFile;
}

function expectSoundDependencies(file: Record<string, Service>): void {
  for (const [name, service] of Object.entries(file)) {
    for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
      expect(file[dep], `${name} depends on unknown ${dep}`).toBeDefined();
      if (condition === 'service_healthy') expect(file[dep]!.healthcheck, `${dep} (for ${name})`).toBeDefined();
      if (condition === 'service_completed_successfully') expect(file[dep]!.restart).toBe('no');
    }
  }
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);
const runtime = dockerfile.split(/^FROM /m).slice(1).at(-1)!;
const runtimeCopies = () => runtime.split('\n').filter((line) => line.startsWith('COPY '));

describe('docker-compose.yml', () => {
  it('builds the app image for the receiver, worker, admin and migrate services', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['admin', 'migrate', 'receiver', 'worker']);
  });

  it.each(appServices)('%s runs a built file whose TypeScript source exists', (_name, service) => {
    const [node, ...args] = service.command ?? [];
    expect(node).toBe('node');
    const script = args.find((arg) => !arg.startsWith('-'));
    const source = /^apps\/(\w+)\/dist\/(\w+)\.js$/.exec(script ?? '');
    expect(source, `${script} is not an apps/<app>/dist/<file>.js`).not.toBeNull();
    expect(existsSync(new URL(`apps/${source![1]}/src/${source![2]}.ts`, root))).toBe(true);
  });

  it('runs the worker with the node flags npm start gives it', () => {
    const flagsIn = (command: string) => /node ((?:--\S+ )*)apps\/worker\/dist\/main\.js/.exec(command)?.[1]?.trim().split(' ');
    const composed = services.worker!.command!.slice(1, -1);
    expect(composed).toContain('--max-semi-space-size=64');
    expect(flagsIn(npmScripts['start:worker']!)).toEqual(composed);
    expect(flagsIn(npmScripts.start!)).toEqual(composed);
  });

  it.each(appServices)('%s sets only env vars that loadConfig knows, with values it accepts', (_name, service) => {
    const env = envOf(service);
    const cfg = loadConfig(env);
    // The config schema drops unknown keys, so a misspelt variable would be silently ignored: catch it here.
    for (const key of Object.keys(env)) expect(cfg, `${key} is not in packages/core/src/config.ts`).toHaveProperty(key);
  });

  it('points the apps at the postgres and redis services, at the database postgres creates', () => {
    const env = envOf(services.worker!);
    const db = new URL(env.DATABASE_URL!);
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe(`/${services.postgres!.environment!.POSTGRES_DB}`);
    expect(new URL(env.REDIS_URL!).hostname).toBe('redis');
  });

  it('runs redis with an append-only file fsynced before each reply, and a memory cap that refuses rather than evicts', () => {
    const args = services.redis!.command!.join(' ');
    expect(args).toContain('--appendonly yes');
    // everysec (the default) can lose up to a second of postbacks already answered 202.
    expect(args).toContain('--appendfsync always');
    // noeviction only takes effect once maxmemory is set.
    expect(args).toMatch(/--maxmemory \d+(kb|mb|gb)\b/);
    expect(args).toContain('--maxmemory-policy noeviction');
  });

  it('lets the worker scale: no container_name, no host ports', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });

  it.each(appServices)('gives %s a stop grace period longer than SHUTDOWN_TIMEOUT_MS', (_name, service) => {
    const timeoutMs = loadConfig(envOf(service)).SHUTDOWN_TIMEOUT_MS;
    expect(seconds(service.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(timeoutMs);
  });

  it('starts the worker only once postgres and redis are healthy and the migrations have run', () => {
    expect(services.worker!.depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('starts the receiver without postgres or migrate: it works while Postgres is down', () => {
    expect(Object.keys(services.receiver!.depends_on ?? {})).toEqual(['redis']);
  });

  const longRunning = Object.entries(services).filter(([, s]) => s.restart !== 'no');

  it('covers every long-running service in the healthcheck checks below', () => {
    expect(longRunning.map(([name]) => name).sort()).toEqual(['admin', 'grafana', 'postgres', 'prometheus', 'receiver', 'redis', 'worker']);
  });

  it.each(longRunning)('gives %s a healthcheck', (_name, service) => {
    expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it.each(longRunning)('%s: the healthcheck runs files that are built and copied into the image', (_name, service) => {
    const scripts = service.healthcheck!.test.filter((arg) => /\.js$/.test(arg));
    for (const script of scripts) {
      expect(existsSync(new URL(script, root)), `${script} (npm run build first)`).toBe(true);
      const dir = script.replace(/\/[^/]+\.js$/, '');
      expect(runtimeCopies().some((line) => line.trim().endsWith(` ${dir}`)), `${dir} in the runtime stage`).toBe(true);
    }
  });

  it.each(longRunning.filter(([, s]) => s.build !== undefined && s.healthcheck?.test.includes('-e')))(
    '%s: the inline HTTP healthcheck asks the port the service listens on',
    (_name, service) => {
      const cfg = loadConfig(envOf(service));
      const port = /127\.0\.0\.1:(\d+)\//.exec(service.healthcheck!.test.join(' '))?.[1];
      expect([cfg.PORT, cfg.ADMIN_PORT]).toContain(Number(port));
    },
  );

  it('lets the admin API listen on the container network (its default is loopback) and publishes it on the host loopback only', () => {
    expect(loadConfig({}).ADMIN_HOST).toBe('127.0.0.1');
    expect(loadConfig(envOf(services.admin!)).ADMIN_HOST).toBe('0.0.0.0');
    expect(services.admin!.ports?.length).toBeGreaterThan(0);
    for (const published of services.admin!.ports!) expect(published).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives the worker a heartbeat file for its healthcheck to read', () => {
    expect(loadConfig(envOf(services.worker!)).WORKER_HEARTBEAT_FILE).toMatch(/^\//);
  });

  it('only waits for health on services that have a healthcheck, and for completion on one-shots (with the cluster override too)', () => {
    for (const file of [services, clusterServices]) expectSoundDependencies(file);
  });

  it('migrates with the same entry point as npm run db:migrate', () => {
    const fromScript = /node (\S+\.js)\s*$/.exec(npmScripts['db:migrate']!)?.[1];
    expect(services.migrate!.command).toEqual(['node', fromScript]);
  });
});

describe('docker-compose.cluster.yml (merged over docker-compose.yml)', () => {
  const nodeNames = ['redis', 'redis-2', 'redis-3', 'redis-4', 'redis-5', 'redis-6'];
  const clusterNodeConf = read('ops/redis/cluster-node.conf');

  it.each(appServices.map(([name]) => [name, clusterServices[name]!] as const))(
    'gives %s an environment loadConfig accepts: the cluster nodes, REDIS_URL emptied, three shards, ACK_REPLICAS=1',
    (_name, service) => {
      const cfg = loadConfig(envOf(service));
      expect(cfg.REDIS_URL).toBeUndefined();
      expect(cfg.REDIS_CLUSTER_NODES?.map((n) => `${n.host}:${n.port}`)).toEqual(nodeNames.map((n) => `${n}:6379`));
      expect(cfg.QUEUE_SHARDS).toBe(3);
      expect(cfg.ACK_REPLICAS).toBe(1);
    },
  );

  it('runs every node named in REDIS_CLUSTER_NODES as a cluster node announcing its own service name', () => {
    for (const name of nodeNames) {
      const node = clusterServices[name]!;
      expect(node.image).toBe('redis:7');
      expect(node.hostname).toBe(name);
      expect(node.command).toEqual(['redis-server', '/usr/local/etc/redis/cluster-node.conf', '--cluster-announce-hostname', name]);
      expect(node.volumes).toContain('./ops/redis/cluster-node.conf:/usr/local/etc/redis/cluster-node.conf:ro');
      // Its data (append-only file, nodes.conf) in a volume of its own, kept across restarts.
      const data = node.volumes!.filter((v) => v.endsWith(':/data'));
      expect(data).toHaveLength(1);
      expect(clusterCompose.volumes).toHaveProperty(data[0]!.split(':')[0]!);
    }
    expect(new Set(nodeNames.map((n) => clusterServices[n]!.volumes!.find((v) => v.endsWith(':/data')))).size).toBe(6);
  });

  it('configures the nodes for cluster mode, announced host names, and the durability of the standalone redis', () => {
    const lines = clusterNodeConf.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const expected of ['cluster-enabled yes', 'cluster-preferred-endpoint-type hostname', 'appendonly yes', 'appendfsync always', 'maxmemory-policy noeviction']) {
      expect(lines).toContain(expected);
    }
    expect(lines.some((l) => /^maxmemory \d+(kb|mb|gb)$/.test(l))).toBe(true);
  });

  it('creates the cluster once, 3 primaries with a replica each, from a one-shot that waits for every node', () => {
    const init = clusterServices['redis-cluster-init']!;
    expect(init.restart).toBe('no');
    expect(Object.keys(init.depends_on!).sort()).toEqual([...nodeNames].sort());
    const script = init.command!.join(' ');
    expect(script).toContain('--cluster create');
    expect(script).toContain('--cluster-replicas 1');
    for (const name of nodeNames) expect(script).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('makes the apps wait for the formed cluster: the redis service is healthy only at cluster_state:ok', () => {
    expect(clusterServices.redis!.healthcheck!.test.join(' ')).toContain('cluster_state:ok');
    for (const name of ['receiver', 'worker', 'admin']) {
      expect(clusterServices[name]!.depends_on!.redis).toEqual({ condition: 'service_healthy' });
    }
  });
});

describe('Dockerfile', () => {

  it('runs only npm scripts that package.json defines', () => {
    const used = [...dockerfile.matchAll(/npm run (\S+)/g)].map((m) => m[1]!);
    expect(used).toContain('build');
    for (const script of used) expect(npmScripts, `npm run ${script}`).toHaveProperty([script]);
  });

  it('copies into the runtime stage the dist of every command, the migrations and production node_modules', () => {
    const copied = (path: string) => runtimeCopies().some((line) => line.trim().endsWith(` ${path}`));
    for (const [, service] of appServices) {
      const script = service.command!.at(-1)!;
      expect(copied(script.replace(/\/[^/]+\.js$/, '')), script).toBe(true);
    }
    expect(copied('packages/core/dist')).toBe(true);
    expect(copied('prisma/migrations')).toBe(true);
    expect(dockerfile).toMatch(/npm (ci|prune) --omit=dev/);
  });

  it('runs the runtime stage as the unprivileged node user, in production mode', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});
